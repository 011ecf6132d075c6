package snippets

// Place is the region a visitor located at located (an ISO 3166 code, "CA" or "CA-BC", from a
// CDN's location header or a browser time zone; "" when nothing located them) is placed in on a
// page whose partner defaults to def. Located in the country of a default that names only a
// country, the located code refines it (CA and CA-BC: CA-BC); in the country of a default that
// names a subdivision, the default stands (CA-QC and CA-BC: CA-QC; the partner said where its
// visitors are, and a location is a guess); located in another country, or with no default,
// the located code wins (CA and GB: GB). Both codes are canonical (ParseRegion).
func Place(located, def string) string {
	if located == "" || (len(def) > 2 && len(located) >= 2 && located[:2] == def[:2]) {
		return def
	}
	return located
}
