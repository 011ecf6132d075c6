package snippets

// Place is the region a visitor located at located (an ISO 3166 code, "CA" or "CA-BC", from a
// CDN's location header or a browser time zone; "" when nothing located them) is placed in on a
// page whose partner defaults to def:
//   - nothing located: the default;
//   - located in a subdivision: that subdivision, whatever the default (CA and CA-BC: CA-BC;
//     CA-QC and CA-NU: CA-NU, since Nunavut has no 9-1-1 and a visitor placed there must never
//     get another entry's emergency number);
//   - located only in the default's country: the default (CA-QC and CA: CA-QC; a time zone
//     such as America/Toronto tells the country and not which province);
//   - located in another country, or no default: the located code (CA and GB: GB).
//
// Both codes are canonical (ParseRegion). The widget applies the same rule (place in
// widget/src/base.js; testdata/rules.json holds the cases both run).
func Place(located, def string) string {
	switch {
	case located == "":
		return def
	case len(located) > 2:
		return located
	case len(def) >= 2 && def[:2] == located:
		return def
	default:
		return located
	}
}
