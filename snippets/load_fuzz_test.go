package snippets_test

import (
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

// FuzzLoad: any content file loads or is refused with an error, never a panic; what loads is
// valid by the same rules `edge check` applies, and renders for every partner.
func FuzzLoad(f *testing.F) {
	f.Add(configs.Content)
	for _, s := range []string{"regions: {}", "regions:\n  CA:\n    lines: [x]\n", "partners:\n  a: {name: A}\n", "a: &x [*x]", "- - -", "{", "lines: {x: {call: 988}}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := snippets.Load(src, snippets.ValidateOptions{Now: fixedNow})
		if err != nil {
			return
		}
		for _, p := range l.Partners {
			for _, loc := range snippets.Locales {
				if _, _, err := l.Render(p, loc, l.RegionEntry(p.Region), snippets.All, fixedNow, nil, nil); err != nil {
					t.Fatalf("loaded content does not render: %v", err)
				}
			}
		}
	})
}
