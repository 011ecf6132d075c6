package snippets

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ErrNoSuch is wrapped by edits naming a partner, resource or notice that does not exist.
var ErrNoSuch = errors.New("no such item")

// The edits below change one part of a content document and leave the rest as the operators
// wrote it, comments included (they hold where each crisis line was checked). They do not
// validate: the caller stores the result through the content store, which does.

// SetFeatured replaces a partner's featured resource ids, in the order given.
func SetFeatured(src []byte, partner string, ids []string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		p := mapValue(mapValue(root, "partners"), partner)
		if p == nil {
			return fmt.Errorf("%w: partner %q", ErrNoSuch, partner)
		}
		return setKey(p, "featured", ids)
	})
}

// PutResource replaces the resource with r's id, or appends r when there is none.
func PutResource(src []byte, r *Resource) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error { return putItem(root, "resources", r.ID, r) })
}

// DeleteResource removes a resource (partners still featuring it make the result invalid: the
// store's validation names them).
func DeleteResource(src []byte, id string) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error { return deleteItem(root, "resources", id, "resource") })
}

// PutNotice replaces the notice with n's id, or appends n.
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
	return b.Bytes(), nil
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

// putItem replaces the item of list key whose id is id, or appends it.
func putItem(root *yaml.Node, key, id string, v any) error {
	n, err := encode(v)
	if err != nil {
		return err
	}
	list := mapValue(root, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return setKey(root, key, []any{v})
	}
	for i, item := range list.Content {
		if idOf(item) == id {
			n.HeadComment = item.HeadComment
			list.Content[i] = n
			return nil
		}
	}
	list.Content = append(list.Content, n)
	return nil
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
	return fmt.Errorf("%w: %s %q", ErrNoSuch, kind, id)
}

func idOf(item *yaml.Node) string {
	if v := mapValue(item, "id"); v != nil {
		return v.Value
	}
	return ""
}
