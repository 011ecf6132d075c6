package pagetext

import (
	"fmt"
	"reflect"

	"github.com/signpost/edge/snippets"
)

// In is t in language l (English for any other).
func (t Text) In(l snippets.Locale) string {
	if l == snippets.French {
		return t.FR
	}
	return t.EN
}

// Plural is the index of the form a count takes in language l: 0 for one, 1 for many. French
// uses the singular for 0 and 1, English for 1 only.
func Plural(l snippets.Locale, n int) int {
	if n == 1 || (n == 0 && l == snippets.French) {
		return 0
	}
	return 1
}

// Get is the string of key in language l; "" when the catalogue has no such key.
func Get(key string, l snippets.Locale) string { return Catalogue[key].In(l) }

// Fill sets each exported string field F of the struct dst points to to "<section>.F" in
// language l, and each [2]string field to its ".one" and ".many" forms. A field without its key
// is an error.
func Fill(dst any, section string, l snippets.Locale) error {
	v := reflect.ValueOf(dst).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		key := section + "." + f.Name
		switch {
		case f.Type.Kind() == reflect.String:
			t, ok := Catalogue[key]
			if !ok {
				return fmt.Errorf("pagetext: no %s", key)
			}
			v.Field(i).SetString(t.In(l))
		case f.Type == reflect.TypeOf([2]string{}):
			one, ok1 := Catalogue[key+".one"]
			many, ok2 := Catalogue[key+".many"]
			if !ok1 || !ok2 {
				return fmt.Errorf("pagetext: no %s.one and .many", key)
			}
			v.Field(i).Set(reflect.ValueOf([2]string{one.In(l), many.In(l)}))
		}
	}
	return nil
}

// Texts fills a T (a struct of strings) for each language, or panics: the catalogue is
// compiled in, so a missing key is a broken build, which TestCatalogue and the section's
// own tests catch.
func Texts[T any](section string) map[snippets.Locale]*T {
	out := map[snippets.Locale]*T{}
	for _, l := range snippets.Locales {
		t := new(T)
		if err := Fill(t, section, l); err != nil {
			panic(err)
		}
		out[l] = t
	}
	return out
}
