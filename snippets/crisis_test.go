package snippets_test

import (
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

func TestCrisisPhrases(t *testing.T) {
	c, err := snippets.ParseCrisisPhrases(configs.CrisisPhrases)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"I want to die", true},
		{"Sometimes I think about SUICIDE.", true},
		{"i've been thinking i might kill myself tonight", true},
		{"I keep wanting to end my life", true},
		{"self-harm is all I think about", true},
		{"Self Harm", true},
		{"Je veux mourir", true},
		{"je pense à me suicider", true},
		{"J'ai envie de METTRE FIN À MES JOURS", true},
		{"mettre fin a mes jours", true},
		{"I don't want to live anymore", true},
		{"The page about suicide prevention was useful", true},
		{"Great resources, thank you", false},
		{"The PDF would not download", false},
		{"selfie harmless", false},
		{"suicidesquad", false},
		{"Merci, très utile", false},
		{"", false},
	} {
		if got := c.Match(tc.text); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestNormalizeWords(t *testing.T) {
	for in, want := range map[string]string{
		"Mettre FIN à mes jours!": "mettre fin a mes jours",
		"  Self-Harm  ":           "self harm",
		"don't":                   "don t",
		"Ça va? Élève":            "ca va eleve",
		"日本語 test":                "test",
		"":                        "",
	} {
		if got := snippets.NormalizeWords(in); got != want {
			t.Errorf("NormalizeWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCrisisPhrasesRejects(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n\n", "suicide\n!!!\n"} {
		if _, err := snippets.ParseCrisisPhrases([]byte(src)); err == nil {
			t.Errorf("ParseCrisisPhrases(%q): want an error", src)
		}
	}
}
