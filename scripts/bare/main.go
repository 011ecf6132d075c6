// Command bare is the ceiling the edge is measured against in `make bench-nginx`: a bare
// fasthttp handler answering every request with one response held in memory (the edge's own
// gzip bytes and response headers, captured by the script), and nothing else: no routing, no
// middleware, no negotiation. It is a benchmark tool, not part of the edge.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"log"
	"os"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	file := flag.String("body", "", "the response body (the edge's gzip bytes)")
	headers := flag.String("headers", "", "the edge's response headers, as curl -D writes them")
	edgeOptions := flag.Bool("edge-options", false, "run fasthttp with the edge's own server options "+
		"(ReduceMemoryUsage, read/write/idle timeouts, body limit): the ceiling for the edge's code alone")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	raw, err := os.ReadFile(*headers)
	if err != nil {
		log.Fatal(err)
	}
	// The headers prepared once as one fasthttp header, copied into each response: the cheapest
	// way fasthttp has to set a dozen (as the edge's own assets do, asset.Whole).
	var prepared fasthttp.ResponseHeader
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		switch strings.ToLower(name) {
		case "", "date", "server", "content-length", "connection":
			continue
		}
		if ok {
			prepared.Set(name, value)
		}
	}
	prepared.SetStatusCode(fasthttp.StatusOK)
	h := func(ctx *fasthttp.RequestCtx) {
		prepared.CopyTo(&ctx.Response.Header)
		ctx.Response.SetBodyRaw(body)
	}
	s := &fasthttp.Server{Handler: h, NoDefaultServerHeader: true} // as the edge's
	if *edgeOptions {                                              // as server.New sets them
		s.ReadTimeout, s.WriteTimeout, s.IdleTimeout = 10*time.Second, 10*time.Second, 60*time.Second
		s.MaxRequestBodySize = 1 << 20
		s.DisablePreParseMultipartForm = true
		s.ReduceMemoryUsage = true
		s.CloseOnShutdown = true
	}
	log.Fatal(s.ListenAndServe(*addr))
}
