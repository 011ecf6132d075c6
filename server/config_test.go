package server_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server"
)

// TestConfigValidate: each rule of Config.Validate, by the field it names and its message.
func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   server.Config
		field string // "" : valid
		msg   string
	}{
		{"zero config", server.Config{}, "", ""},
		{"negative read timeout", server.Config{ReadTimeout: -time.Second}, "ReadTimeout", "must not be negative"},
		{"negative write timeout", server.Config{WriteTimeout: -time.Second}, "WriteTimeout", "must not be negative"},
		{"negative idle timeout", server.Config{IdleTimeout: -time.Second}, "IdleTimeout", "must not be negative"},
		{"negative body size", server.Config{MaxBodySize: -1}, "MaxBodySize", "must not be negative"},
		{"public origin without scheme", server.Config{PublicOrigin: "signpost.example.org"}, "PublicOrigin", "EDGE_PUBLIC_ORIGIN: "},
		{"public origin with a path", server.Config{PublicOrigin: "https://signpost.example.org/edge"}, "PublicOrigin", "EDGE_PUBLIC_ORIGIN: "},
		{"public origin", server.Config{PublicOrigin: "https://Signpost.example.org/"}, "", ""},
		{"short admin token", server.Config{AdminToken: "fifteen-chars-x"}, "AdminToken", "the admin token must be at least 16 characters"},
		{"admin token", server.Config{AdminToken: "sixteen-chars-xx"}, "", ""},
		{"negative follow-up retention", server.Config{FollowupRetention: -time.Hour}, "FollowupRetention", "EDGE_FOLLOWUP_RETENTION: must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			err := cfg.Validate()
			var ce *server.ConfigError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field == "":
				return
			case !errors.As(err, &ce):
				t.Fatalf("error %v, want a *ConfigError", err)
			case ce.Field != tc.field || !strings.HasPrefix(err.Error(), tc.msg):
				t.Errorf("field %q, message %q; want %q, %q...", ce.Field, err, tc.field, tc.msg)
			}
		})
	}
}

// TestConfigDefaults: Validate fills the settings left zero, normalises the public origin, and
// leaves a validated config alone.
func TestConfigDefaults(t *testing.T) {
	cfg := server.Config{PublicOrigin: "https://Signpost.example.org/"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.ReadTimeout != server.DefaultReadTimeout || cfg.WriteTimeout != server.DefaultWriteTimeout || cfg.IdleTimeout != server.DefaultIdleTimeout ||
		cfg.MaxBodySize != server.DefaultMaxBodySize || cfg.Mode != "embedded" || cfg.FollowupRetention != feedback.DefaultFollowupRetention ||
		cfg.Logger == nil || cfg.Now == nil || cfg.CrisisPhrases == nil || cfg.TimeZones == nil {
		t.Errorf("defaults not filled: %+v", cfg)
	}
	if cfg.PublicOrigin != "https://signpost.example.org" {
		t.Errorf("public origin %q", cfg.PublicOrigin)
	}
	// Validated once: a later call leaves it as it is.
	cfg.ReadTimeout = -1
	if err := cfg.Validate(); err != nil || cfg.ReadTimeout != -1 {
		t.Errorf("second Validate: %v, read timeout %v", err, cfg.ReadTimeout)
	}
	kept := server.Config{ReadTimeout: time.Second, Mode: "redis"}
	if err := kept.Validate(); err != nil || kept.ReadTimeout != time.Second || kept.Mode != "redis" {
		t.Errorf("settings given: %v %v %q", err, kept.ReadTimeout, kept.Mode)
	}
}
