package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/contentstore/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/snippets"
	"go.yaml.in/yaml/v3"
)

// openContentStore opens the versioned content store of the mode (files under the data dir, or
// Redis shared by every edge, through the wiring's client rdb), seeded with src when empty,
// and returns the content to serve at once: the store's current version; in Redis mode with
// Redis away, the last-known-good snapshot of the data dir, else src. The store validates with
// parser, which the server then loads content with.
func openContentStore(ctx context.Context, dataDir string, rdb redis.UniversalClient, prefix string,
	src []byte, seed *snippets.Loaded, parser *server.Parser, log *slog.Logger) (contentstore.Store, *snippets.Loaded, string, error) {
	validate := parser.Validate
	var st contentstore.Store
	var err error
	if rdb == nil {
		st, err = fsstore.Open(dataDir, src, validate, time.Now)
	} else {
		opts := []redisstore.Option{redisstore.WithLogger(log)}
		// A Redis that comes back empty gets the newest version this edge served, not the seed.
		if lkg, lv, err := contentstore.LoadSnapshot(dataDir); err == nil && validate(lkg) == nil {
			opts = append(opts, redisstore.WithKnown(lkg, lv))
		}
		st, err = redisstore.Open(ctx, rdb, prefix, src, validate, time.Now, opts...)
	}
	if err != nil {
		return nil, nil, "", err
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	cur, v, err := st.Current(cctx)
	if err == nil {
		l, lerr := parser.Load(cur)
		if lerr != nil {
			st.Close()
			return nil, nil, "", fmt.Errorf("current content v%d: %w", v.Number, lerr)
		}
		l.Version = strconv.FormatInt(v.Number, 10)
		if !bytes.Equal(cur, src) {
			log.Warn("the content file differs from the current published version and was not applied: publish it with `edge content push`",
				"content_version", v.Number, "author", v.Author)
		}
		return st, l, fmt.Sprintf("content store v%d", v.Number), nil
	}
	if rdb == nil || !errors.Is(err, contentstore.ErrUnavailable) {
		st.Close()
		return nil, nil, "", err
	}
	lkg, lv, lerr := contentstore.LoadSnapshot(dataDir)
	if lerr == nil {
		if l, err := parser.Load(lkg); err == nil {
			l.Version = strconv.FormatInt(lv.Number, 10)
			log.Error("Redis is unreachable at startup: serving the last-known-good content until it is back",
				"content_version", lv.Number, "data_dir", dataDir)
			return st, l, fmt.Sprintf("last-known-good snapshot v%d", lv.Number), nil
		}
	}
	log.Error("Redis is unreachable at startup and there is no last-known-good snapshot: serving the content file until Redis is back")
	return st, seed, "content file (Redis unreachable)", nil
}

// loadOperators reads a tokens file: `tokens: [{name, token, scopes, partners}]`. Names go into
// the audit log; every token must be long enough not to be guessed and list its scopes (content,
// notice, feedback:read, followups:export): an unknown scope, or none, stops the edge at startup.
// partners, when given, limits the token to those partners (well-formed ids, at least one).
func loadOperators(path string) ([]auth.Operator, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Tokens []auth.Operator `yaml:"tokens"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, o := range f.Tokens {
		switch {
		case o.Name == "":
			return nil, fmt.Errorf("%s: tokens[%d].name: required (it goes into the audit log)", path, i)
		case seen[o.Name]:
			return nil, fmt.Errorf("%s: tokens[%d].name: %q twice", path, i, o.Name)
		case len(o.Token) < 16:
			return nil, fmt.Errorf("%s: tokens[%d].token: at least 16 characters", path, i)
		}
		if err := auth.ValidateScopes(o.Scopes); err != nil {
			return nil, fmt.Errorf("%s: tokens[%d].scopes: %w", path, i, err)
		}
		if err := auth.ValidatePartners(o.Partners); err != nil {
			return nil, fmt.Errorf("%s: tokens[%d].partners: %w", path, i, err)
		}
		seen[o.Name] = true
	}
	return f.Tokens, nil
}
