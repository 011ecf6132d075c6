package answer

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/jsonstrict"
	"github.com/valyala/fasthttp"
)

// WriteJSON answers with status and v as JSON.
func WriteJSON(ctx *fasthttp.RequestCtx, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType(ContentJSON)
	ctx.SetBody(b)
	return nil
}

// WriteHTML sends a page rendered for this request, gzipped when the client takes it.
func WriteHTML(ctx *fasthttp.RequestCtx, page []byte, vary string) {
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", vary)
	ctx.SetContentType("text/html; charset=utf-8")
	if ctx.Request.Header.HasAcceptEncoding("gzip") {
		h.Set("Content-Encoding", "gzip")
		ctx.SetBody(fasthttp.AppendGzipBytes(nil, page))
		return
	}
	ctx.SetBody(page)
}

// DecodeJSON reads a small JSON body strictly: at most limit bytes, one value, no unknown field
// and no field given twice.
func DecodeJSON(ctx *fasthttp.RequestCtx, limit int, v any) error {
	body := ctx.PostBody()
	if len(body) > limit {
		return New(fault.TooLarge, "body_too_large", "", "body_too_large.route", limit)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return New(fault.Invalid, "invalid_json", "", "invalid_json", err)
	}
	if k, dup := jsonstrict.DuplicateKey(body); dup {
		return New(fault.Invalid, "duplicate_field", k, "duplicate_field", strconv.Quote(k))
	}
	return nil
}

// EscapeHTML escapes text for HTML text and double-quoted attribute values, leaving the
// apostrophes of French text readable in code a partner copies.
var EscapeHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace

// View returns b as a string without copying. Only for values that are parsed and dropped
// within the request: the parsers it is given to retain nothing of their input.
func View(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
