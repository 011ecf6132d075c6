package snippets

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/linediff"
	"go.yaml.in/yaml/v3"
)

// ErrNoSuch is wrapped by edits naming a partner, resource or notice that does not exist.
var ErrNoSuch = errors.New("no such item")

// ErrAliased is wrapped by edits of content that uses YAML anchors or aliases: an edit of one
// entry could change another sharing it (or change nothing), unseen in the diff. Such content
// is edited as a whole (PUT /v1/admin/content).
var ErrAliased = errors.New("content uses YAML anchors or aliases")

// NoSuchError is the ErrNoSuch of one item: its kind (partner, resource, notice, region) and id.
type NoSuchError struct{ Kind, ID string }

func (e *NoSuchError) Error() string { return fmt.Sprintf("%s: %s %q", ErrNoSuch, e.Kind, e.ID) }
func (e *NoSuchError) Unwrap() error { return ErrNoSuch }

// AliasedError is the ErrAliased of one edit: At is where the first anchor or alias is.
type AliasedError struct{ At string }

func (e *AliasedError) Error() string {
	return fmt.Sprintf("%s (at %s): edit the whole document, or expand them", ErrAliased, e.At)
}
func (e *AliasedError) Unwrap() error { return ErrAliased }

// The edits below change one part of a content document and leave the rest as the operators
// wrote it, comments included (they hold where each crisis line was checked). They do not
// validate: the caller stores the result through the content store, which does.

// SetFeatured replaces a partner's featured resource ids, in the order given.
func SetFeatured(src []byte, partner string, ids []string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		p := mapValue(mapValue(root, "partners"), partner)
		if p == nil {
			return &NoSuchError{"partner", partner}
		}
		return setKey(p, "featured", ids)
	})
}

// PutResource replaces the resource with r's id field by field (as PutLine does), or appends r
// when there is none.
func PutResource(src []byte, r *Resource) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error { return putItem(root, "resources", r.ID, r) })
}

// DeleteResource removes a resource (partners still featuring it make the result invalid: the
// store's validation names them).
func DeleteResource(src []byte, id string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error { return deleteItem(root, "resources", id, "resource") })
}

// PutNotice replaces the notice with n's id field by field, or appends n.
func PutNotice(src []byte, n *Notice) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error { return putItem(root, "notices", n.ID, n) })
}

// DeleteNotice withdraws a notice; id "" withdraws every notice.
func DeleteNotice(src []byte, id string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		if id == "" {
			return setKey(root, "notices", []any{})
		}
		return deleteItem(root, "notices", id, "notice")
	})
}

func edit(src []byte, change func(root *yaml.Node) error) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("content is not valid YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("content is not a YAML mapping")
	}
	if p := aliased(doc.Content[0], ""); p != "" {
		return nil, &AliasedError{p}
	}
	if err := change(doc.Content[0]); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return keepBlankLines(src, b.Bytes()), nil
}

// keepBlankLines puts back the blank lines of src that re-encoding dropped (yaml.v3 keeps
// comments, not blank lines), so that the diff an operator reviews before publishing shows the
// edit and nothing else. Should the result not decode to the same document as out (a blank
// line landing inside a block scalar), out is returned as it is.
func keepBlankLines(src, out []byte) []byte {
	var b bytes.Buffer
	restored, pending := false, 0
	for _, r := range linediff.Diff(linediff.Lines(src), linediff.Lines(out)) {
		blank := strings.TrimSpace(r.Left) == ""
		switch {
		case r.Op == linediff.Del && blank:
			b.WriteByte('\n')
			restored = true
		case r.Op == linediff.Change && blank:
			// A dropped blank line the diff paired with an added one (lines appended at the
			// end of a block, before a blank line): it goes back after them, before the next
			// line both texts share.
			pending++
			b.WriteString(r.Right)
			b.WriteByte('\n')
		case r.Op != linediff.Del:
			if r.Op == linediff.Same {
				restored = restored || pending > 0
				for ; pending > 0; pending-- {
					b.WriteByte('\n')
				}
			}
			b.WriteString(r.Right)
			b.WriteByte('\n')
		}
	}
	if !restored {
		return out
	}
	var want, got any
	if yaml.Unmarshal(out, &want) != nil || yaml.Unmarshal(b.Bytes(), &got) != nil || !reflect.DeepEqual(want, got) {
		return out
	}
	return b.Bytes()
}

// mapValue returns the value node of key in a mapping node, nil when absent.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func encode(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return &n, nil
}

// setKey sets key in a mapping node to v, appending the key when absent.
func setKey(m *yaml.Node, key string, v any) error {
	n, err := encode(v)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			n.HeadComment, n.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = n
			return nil
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, n)
	return nil
}

// putItem replaces the item of list key whose id is id, or appends it. v points to a struct
// (Resource, Notice): an item that is a mapping is changed field by field, so that only what
// changes shows in the diff; a new one is written in the style of the items before it.
func putItem(root *yaml.Node, key, id string, v any) error {
	fields, err := fieldsOf(v)
	if err != nil {
		return err
	}
	list := mapValue(root, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return setKey(root, key, []*yaml.Node{newMapping(fields, nil)})
	}
	if len(list.Content) == 0 {
		// "notices: []" (every notice withdrawn) grows as a block list, an item to a line each.
		list.Style &^= yaml.FlowStyle
	}
	for i, item := range list.Content {
		if idOf(item) != id {
			continue
		}
		if item.Kind == yaml.MappingNode {
			return mergeFields(item, fields, yamlKeys(reflect.TypeOf(v).Elem()))
		}
		n, err := encode(v)
		if err != nil {
			return err
		}
		n.HeadComment = item.HeadComment
		list.Content[i] = n
		return nil
	}
	list.Content = append(list.Content, newMapping(fields, list.Content))
	return nil
}

// newMapping is a mapping of fields, each in the style of the same field of the first of
// siblings that has it (a new line or resource is written as the others are).
func newMapping(fields []field, siblings []*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fields {
		for _, like := range siblings {
			if l := mapValue(like, f.key); l != nil {
				restyle(f.node, l)
				break
			}
		}
		n.Content = append(n.Content, keyNode(f.key), f.node)
	}
	return n
}

func deleteItem(root *yaml.Node, key, id, kind string) error {
	list := mapValue(root, key)
	if list != nil && list.Kind == yaml.SequenceNode {
		for i, item := range list.Content {
			if idOf(item) == id {
				list.Content = append(list.Content[:i], list.Content[i+1:]...)
				return nil
			}
		}
	}
	return &NoSuchError{kind, id}
}

func idOf(item *yaml.Node) string {
	if v := mapValue(item, "id"); v != nil {
		return v.Value
	}
	return ""
}

// PutLine replaces the crisis line id with l, or adds it. An existing line is changed field by
// field: a field whose value is the same keeps its node as written (quoting, flow style,
// comments), a changed field keeps its comments and style, and a field l leaves empty is
// removed (the comment above it moves to the field below), but for the status keys, which an l
// without a status leaves as they are. l's own ID is ignored: id names it.
func PutLine(src []byte, id string, l *Line) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		fields, err := fieldsOf(l)
		if err != nil {
			return err
		}
		lines := mapValue(root, "lines")
		if lines == nil || lines.Kind != yaml.MappingNode {
			m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if lines != nil {
				// "lines:" with no value, or not a mapping: replaced (validation would reject it).
				m.HeadComment, m.LineComment = lines.HeadComment, lines.LineComment
				*lines = *m
				m = lines
			} else {
				root.Content = append(root.Content, keyNode("lines"), m)
			}
			lines = m
		}
		line := mapValue(lines, id)
		if line == nil || line.Kind != yaml.MappingNode {
			var others []*yaml.Node
			for i := 1; i < len(lines.Content); i += 2 {
				others = append(others, lines.Content[i])
			}
			n := newMapping(fields, others)
			if line != nil {
				n.HeadComment, n.LineComment = line.HeadComment, line.LineComment
				*line = *n
			} else {
				lines.Content = append(lines.Content, keyNode(id), n)
			}
			return nil
		}
		removable := lineKeys
		if l.Status == "" && len(l.StatusMessage) == 0 && l.StatusUntil == "" {
			// The status has its own switch (SetLineStatus): a line edit without one leaves it.
			removable = lineKeysButStatus
		}
		return mergeFields(line, fields, removable)
	})
}

// SetRegionLines sets the crisis lines a region entry lists, in order, keeping the comments
// around the list and its flow style ("lines: [a, b]" stays on one line).
func SetRegionLines(src []byte, code string, ids []string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		r, err := region(root, code)
		if err != nil {
			return err
		}
		if ids == nil {
			ids = []string{}
		}
		n, err := encode(ids)
		if err != nil {
			return err
		}
		return mergeFields(r, []field{{"lines", n, ids}}, nil)
	})
}

// region is the mapping of region entry code, or ErrNoSuch.
func region(root *yaml.Node, code string) (*yaml.Node, error) {
	if r := mapValue(mapValue(root, "regions"), code); r != nil {
		return r, nil
	}
	return nil, &NoSuchError{"region", code}
}

// SetRegionMessage sets the banner message of a region entry, keeping the comments around it and
// the style of the texts it changes.
func SetRegionMessage(src []byte, code string, msg Text) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		r, err := region(root, code)
		if err != nil {
			return err
		}
		n, err := encode(msg)
		if err != nil {
			return err
		}
		return mergeFields(r, []field{{"message", n, msg}}, nil)
	})
}

// PutLineWithMessages is PutLine, then SetRegionMessage for each region of messages in code
// order, in one edit: a line's new number and the sentences naming it are published together. A
// region that messages names and the content lacks makes the body invalid (a fault of kind
// Unprocessable, invalid_content.region_messages), not a missing item: the line is the item.
func PutLineWithMessages(src []byte, id string, line *Line, messages map[string]Text) ([]byte, error) {
	out, err := PutLine(src, id, line)
	for _, code := range slices.Sorted(maps.Keys(messages)) {
		if err != nil {
			return nil, err
		}
		out, err = SetRegionMessage(out, code, messages[code])
		if errors.Is(err, ErrNoSuch) {
			return nil, fault.E(fault.Unprocessable, "invalid_content", "region_messages."+code,
				"invalid_content.region_messages", strconv.Quote(code))
		}
	}
	return out, err
}

// field is one key of a mapping to write: its new node and the Go value it encodes.
type field struct {
	key   string
	node  *yaml.Node
	value any
}

// fieldsOf encodes the non-empty fields of the struct p points to, in the struct's order, named
// by their yaml tags.
func fieldsOf(p any) ([]field, error) {
	var out []field
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		fv := v.Field(i)
		if key == "" || key == "-" || fv.IsZero() || ((fv.Kind() == reflect.Map || fv.Kind() == reflect.Slice) && fv.Len() == 0) {
			continue
		}
		n, err := encode(fv.Interface())
		if err != nil {
			return nil, err
		}
		out = append(out, field{key, n, fv.Interface()})
	}
	return out, nil
}

// yamlKeys are the yaml keys of struct type t: the only keys of a mapping that a put of a t
// removes (keys of no field are left for validation to name).
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		if key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); key != "" && key != "-" {
			keys[key] = true
		}
	}
	return keys
}

// lineKeys are the yaml keys of Line.
var lineKeys = yamlKeys(reflect.TypeFor[Line]())

// lineKeysButStatus are lineKeys without the status keys (statusKeys).
var lineKeysButStatus = func() map[string]bool {
	m := maps.Clone(lineKeys)
	for k := range statusKeys {
		delete(m, k)
	}
	return m
}()

// mergeFields writes fields into mapping m, then removes the keys of removable that fields does
// not give (PutLine: the line's fields left empty; keys of no field are left for validation).
func mergeFields(m *yaml.Node, fields []field, removable map[string]bool) error {
	given := map[string]bool{}
	for _, f := range fields {
		given[f.key] = true
		i := keyIndex(m, f.key)
		if i < 0 {
			m.Content = append(m.Content, keyNode(f.key), f.node)
			continue
		}
		old := m.Content[i+1]
		if sameValue(old, f.value) {
			continue
		}
		n := f.node
		n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
		restyle(n, old)
		m.Content[i+1] = n
	}
	for i := 0; i+1 < len(m.Content); {
		k := m.Content[i]
		if given[k.Value] || !removable[k.Value] {
			i += 2
			continue
		}
		if k.HeadComment != "" && i+2 < len(m.Content) {
			next := m.Content[i+2]
			next.HeadComment = strings.TrimSuffix(k.HeadComment+"\n"+next.HeadComment, "\n")
		}
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
	return nil
}

// restyle writes new value n in the style of the value old it replaces: a flow mapping or list
// stays one, and quoted strings stay quoted (double quotes can hold any string).
func restyle(n, old *yaml.Node) {
	quoted := func(x *yaml.Node) bool {
		return x.Kind == yaml.ScalarNode && x.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	}
	quote := func(x *yaml.Node) {
		if x.Kind == yaml.ScalarNode && x.Tag == "!!str" {
			x.Style = yaml.DoubleQuotedStyle
		}
	}
	switch {
	case n.Kind == yaml.ScalarNode && quoted(old):
		quote(n)
	case (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Kind == old.Kind:
		n.Style = old.Style & yaml.FlowStyle
		// Values only: the keys of a mapping (en, fr) stay as they are.
		start, step := 0, 1
		if n.Kind == yaml.MappingNode {
			start, step = 1, 2
		}
		for i := start; i < len(old.Content); i += step {
			if quoted(old.Content[i]) {
				for j := start; j < len(n.Content); j += step {
					quote(n.Content[j])
				}
				return
			}
		}
	}
}

// sameValue reports whether node n decodes to v: the edit would not change it.
func sameValue(n *yaml.Node, v any) bool {
	p := reflect.New(reflect.TypeOf(v))
	if err := n.Decode(p.Interface()); err != nil {
		return false
	}
	return reflect.DeepEqual(p.Elem().Interface(), v)
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func keyNode(key string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
}

// aliased returns the path of the first anchor, alias or merge key under n, or "".
func aliased(n *yaml.Node, path string) string {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || n.Tag == "!!merge" {
		if path == "" {
			return "the top"
		}
		return path
	}
	for i, c := range n.Content {
		p := path
		if n.Kind == yaml.MappingNode {
			if i%2 == 0 {
				if c.Tag == "!!merge" {
					return strings.TrimPrefix(path+".<<", ".")
				}
				continue
			}
			p = strings.TrimPrefix(path+"."+n.Content[i-1].Value, ".")
		} else if n.Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if a := aliased(c, p); a != "" {
			return a
		}
	}
	return ""
}
