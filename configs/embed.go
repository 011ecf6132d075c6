// Package configs ships Signpost's default configuration inside the binary, so that `edge serve`
// runs with no files beside it.
package configs

import _ "embed"

// Content is configs/content.yaml as built into the binary.
//
//go:embed content.yaml
var Content []byte
