package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CrisisPhrases matches text against the crisis phrase list, on whole words, case- and
// accent-insensitively. The widget applies the same normalization to the same normalized list
// (baked into the bundle), so a comment flagged in the browser is flagged by the server.
type CrisisPhrases struct {
	phrases []string // normalized, each " word word "
}

// ParseCrisisPhrases reads one phrase a line; blank lines and lines starting with # are skipped.
func ParseCrisisPhrases(src []byte) (*CrisisPhrases, error) {
	c := &CrisisPhrases{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := NormalizeWords(line)
		if p == "" {
			return nil, fmt.Errorf("crisis phrases line %d: %q has no letters or digits", n, line)
		}
		if !seen[p] {
			seen[p] = true
			c.phrases = append(c.phrases, p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(c.phrases) == 0 {
		return nil, fmt.Errorf("crisis phrases: the list is empty")
	}
	return c, nil
}

// Phrases returns the normalized phrases, as the widget receives them.
func (c *CrisisPhrases) Phrases() []string {
	if c == nil {
		return nil
	}
	return c.phrases
}

// Match reports whether text contains any phrase as whole words.
func (c *CrisisPhrases) Match(text string) bool {
	t := " " + NormalizeWords(text) + " "
	for _, p := range c.phrases {
		if strings.Contains(t, " "+p+" ") {
			return true
		}
	}
	return false
}

// NormalizeWords lower-cases s, strips accents, and turns every run of characters other than
// a-z and 0-9 into one space, trimmed: "Mettre FIN à mes jours!" -> "mettre fin a mes jours".
// The widget's JS does exactly the same: normalize("NFD"), drop U+0300-U+036F (a class every
// browser parses, unlike \p{Mn}), lower-case, and replace [^a-z0-9]+ with a space.
func NormalizeWords(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		if r >= 0x0300 && r <= 0x036F { // combining diacritical marks: the accents
			continue
		}
		r = unicode.ToLower(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}
