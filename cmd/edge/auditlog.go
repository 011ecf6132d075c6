package main

import (
	"path/filepath"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/server/signin"
	"github.com/signpost/edge/session"
)

// openAuditLog opens the operator audit log of the mode: audit.log in the data dir, or the
// stream beside the content store's keys in Redis (same prefix), shared by every edge.
func openAuditLog(dataDir string, rdb redis.UniversalClient, prefix string) (auditlog.Log, error) {
	if rdb != nil {
		return auditlog.OpenRedis(rdb, auditlog.RedisOptions{Prefix: prefix})
	}
	return auditlog.OpenFile(filepath.Join(dataDir, auditlog.FileName), nil)
}

// openSessions opens the store of people's console sessions: in Redis when edges share it (a
// person signed in on one edge is signed in on all, and signing out ends it on all), else
// under the data dir.
func openSessions(dataDir string, rdb redis.UniversalClient, prefix string, c *signin.Config) (*session.Store, error) {
	cfg := session.Config{Idle: c.Idle, Absolute: c.Max}
	if rdb != nil {
		return session.NewRedis(rdb, prefix, cfg), nil
	}
	return session.NewFile(dataDir, cfg)
}
