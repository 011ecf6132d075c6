package pagetext

import (
	"strconv"
	"strings"

	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Lang is the language of an edge page (builder, console, dashboard): ?lang=, else the first of en and fr in Accept-Language
// by q-value, else English.
func Lang(ctx *fasthttp.RequestCtx) snippets.Locale {
	switch string(ctx.QueryArgs().Peek("lang")) {
	case "en":
		return snippets.English
	case "fr":
		return snippets.French
	}
	best, bestQ := snippets.English, 0
	for item := range strings.SplitSeq(string(ctx.Request.Header.Peek("Accept-Language")), ",") {
		tag, params, _ := strings.Cut(item, ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		q := weightOf(params)
		var loc snippets.Locale
		switch strings.ToLower(primary) {
		case "en":
			loc = snippets.English
		case "fr":
			loc = snippets.French
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = loc, q
		}
	}
	return best
}

// weightOf reads "q=0.8" in thousandths: 1000 when absent, 0 when malformed.
func weightOf(params string) int {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || (k != "q" && k != "Q") {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return 0
		}
		return int(f * 1000)
	}
	return 1000
}

// LangLink is one entry of a page's language switch.
type LangLink struct {
	Lang    string
	Name    string
	Href    string
	Current bool
}
