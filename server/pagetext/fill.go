// Package pagetext fills the copy of the pages the edge renders in Go, the embed builder (and
// the draft preview page built on it), the feedback report and the pages without JavaScript,
// from the one catalogue (package words: words/en.json and words/fr.json), and holds the one
// plural rule.
//
// To add a string: a line "<section>.<Field>" in words/en.json and words/fr.json (a [2]string
// field takes ".one" and ".many"), and the field in the section's struct, which Fill fills.
// Arguments are at {0}, {1}, ...: words.Format(t.Field, args...) puts them in.
package pagetext

import (
	"fmt"
	"reflect"

	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/words"
)

// Plural is the index of the form a count takes in language l: 0 for one, 1 for many. French
// uses the singular for 0 and 1, English for 1 only.
func Plural(l snippets.Locale, n int) int {
	if n == 1 || (n == 0 && l == snippets.French) {
		return 0
	}
	return 1
}

// Get is the string of key in language l, unrendered; "" when the catalogue has no such key.
func Get(key string, l snippets.Locale) string {
	s, _ := words.Lookup(string(l), key)
	return s
}

// Fill sets each exported string field F of the struct dst points to to "<section>.F" in
// language l, and each [2]string field to its ".one" and ".many" forms. A field without its key
// is an error; fields of other types are left as they are.
func Fill(dst any, section string, l snippets.Locale) error {
	v := reflect.ValueOf(dst).Elem()
	get := func(key string) (string, bool) { return words.Lookup(string(l), key) }
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		key := section + "." + f.Name
		switch {
		case f.Type.Kind() == reflect.String:
			s, ok := get(key)
			if !ok {
				return fmt.Errorf("pagetext: no %s", key)
			}
			v.Field(i).SetString(s)
		case f.Type == reflect.TypeOf([2]string{}):
			one, ok1 := get(key + ".one")
			many, ok2 := get(key + ".many")
			if !ok1 || !ok2 {
				return fmt.Errorf("pagetext: no %s.one and .many", key)
			}
			v.Field(i).Set(reflect.ValueOf([2]string{one, many}))
		}
	}
	return nil
}

// Texts fills a T (a struct of strings) for each language, or panics: the catalogue is
// compiled in, so a missing key is a broken build, which the section's own tests catch.
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
