package snippets

// A schedule in YAML and JSON: "24/7" as the string, any other as a mapping.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML writes "24/7" as the string, any other schedule as a mapping whose short lists
// are on one line: `weekly: ["Mo-Fr 09:00-17:00"]`.
func (s Schedule) MarshalYAML() (any, error) {
	str := func(v string, style yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style}
	}
	if s.IsAlways() {
		return str(always247, yaml.DoubleQuotedStyle), nil
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if s.Zone != "" {
		m.Content = append(m.Content, str("zone", 0), str(s.Zone, 0))
	}
	for _, f := range [...]struct {
		key  string
		list []string
	}{{"weekly", s.Weekly}, {"except", s.Except}} {
		if len(f.list) == 0 {
			continue
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		width := 0
		for _, e := range f.list {
			seq.Content = append(seq.Content, str(e, yaml.DoubleQuotedStyle))
			width += len(e) + 4
		}
		if width <= 64 {
			seq.Style = yaml.FlowStyle
		}
		m.Content = append(m.Content, str(f.key, 0), seq)
	}
	return m, nil
}

// UnmarshalYAML reads "24/7" or a mapping of zone, weekly and except, strictly: another key is
// an error, as anywhere in content. The entries themselves are Validate's to check.
func (s *Schedule) UnmarshalYAML(n *yaml.Node) error {
	*s = Schedule{}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: schedule: ", n.Line) + fmt.Sprintf(format, args...)}}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" && n.Value == always247 {
			*s = *Always()
			return nil
		}
		return fail(n, `want "24/7" or a mapping of zone, weekly and except, got %q`, n.Value)
	case yaml.MappingNode:
	default:
		return fail(n, `want "24/7" or a mapping of zone, weekly and except`)
	}
	var errs []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch {
		case seen[k.Value]:
			err = fail(k, "%s given twice", k.Value)
		case k.Value == "zone":
			if v.Kind != yaml.ScalarNode {
				err = fail(v, "zone: want an IANA time zone name")
			} else {
				err = v.Decode(&s.Zone)
			}
		case k.Value == "weekly" || k.Value == "except":
			list, example := &s.Weekly, "Mo-Fr 09:00-17:00"
			if k.Value == "except" {
				list, example = &s.Except, "2026-12-25 closed"
			}
			if v.Kind != yaml.SequenceNode && v.ShortTag() != "!!null" {
				err = fail(v, "%s: want a list, such as [%q]", k.Value, example)
			} else {
				err = v.Decode(list)
			}
		default:
			err = fail(k, "unknown key %q (want zone, weekly, except)", k.Value)
		}
		seen[k.Value] = true
		var te *yaml.TypeError
		switch {
		case errors.As(err, &te):
			errs = append(errs, te.Errors...)
		case err != nil:
			errs = append(errs, fmt.Sprintf("line %d: schedule: %v", v.Line, err))
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	s.plan, _ = compile(s)
	return nil
}

// MarshalJSON writes "24/7" as the string, any other schedule as an object.
func (s Schedule) MarshalJSON() ([]byte, error) {
	if s.IsAlways() {
		return json.Marshal(always247)
	}
	return json.Marshal(scheduleFields{s.Zone, s.Weekly, s.Except})
}

// UnmarshalJSON reads "24/7" or an object of zone, weekly and except; another key is an error.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	*s = Schedule{}
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		if str != always247 {
			return fmt.Errorf(`schedule: want "24/7" or an object of zone, weekly and except, got %q`, str)
		}
		*s = *Always()
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f scheduleFields
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	s.Zone, s.Weekly, s.Except = f.Zone, f.Weekly, f.Except
	s.plan, _ = compile(s)
	return nil
}
