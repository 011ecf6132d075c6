package snippets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"go.yaml.in/yaml/v3"
)

// Loaded is validated content with its version: what the edge serves.
type Loaded struct {
	*Content
	// Version identifies the content: a digest of the source bytes, so that the same file gives
	// the same version on every edge.
	Version string
	// Warnings are problems that do not stop serving (a line not re-checked for a year).
	Warnings []Problem
}

// Parse decodes YAML content strictly: an unknown field is an error, so that a typo such as
// `verifed_on` cannot silently drop a safety fact.
func Parse(src []byte) (*Content, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var c Content
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, parseError("content is empty")
		}
		// Every decoding problem is the operator's to fix: an *InvalidError like any other
		// (the admin API answers 422, `edge check` lists them), one per line YAML reports.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			inv := &InvalidError{}
			for _, e := range te.Errors {
				inv.Problems = append(inv.Problems, Problem{Path: "content", Message: e})
			}
			return nil, inv
		}
		return nil, parseError("not valid YAML: " + err.Error())
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, parseError("content holds more than one YAML document")
	}
	for k, r := range c.Regions {
		if r != nil {
			r.Code = k
		}
	}
	for k, l := range c.Lines {
		if l != nil {
			l.ID = k
		}
	}
	for k, p := range c.Partners {
		if p != nil {
			p.ID = k
		}
	}
	return &c, nil
}

// Load parses and validates content as of now (a time, so that tests and `edge check` agree on
// what is stale). It fails with every validation error when the content is invalid.
func Load(src []byte, opts ValidateOptions) (*Loaded, error) {
	c, err := Parse(src)
	if err != nil {
		return nil, err
	}
	r := c.Validate(opts)
	if len(r.Errors) > 0 {
		return nil, &InvalidError{Problems: r.Errors}
	}
	sum := sha256.Sum256(src)
	return &Loaded{Content: c, Version: hex.EncodeToString(sum[:8]), Warnings: r.Warnings}, nil
}

// InvalidError lists every validation error of a content bundle.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "content is invalid (%d errors):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// parseError is a content document that cannot be read at all, as a validation error.
func parseError(msg string) error {
	return &InvalidError{Problems: []Problem{{Path: "content", Message: msg}}}
}

// ValidateContent is the check every content store runs before a version becomes current, the
// rules of `edge check` judged at now(): the same Load the edge serves with.
func ValidateContent(now func() time.Time) func(src []byte) error {
	return func(src []byte) error {
		_, err := Load(src, ValidateOptions{Now: now()})
		return err
	}
}
