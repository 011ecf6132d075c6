package main

import (
	"path/filepath"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
)

// openAuditLog opens the operator audit log of the mode: audit.log in the data dir, or the
// stream beside the content store's keys in Redis (same prefix), shared by every edge.
func openAuditLog(dataDir string, rdb redis.UniversalClient, prefix string) (auditlog.Log, error) {
	if rdb != nil {
		return auditlog.OpenRedis(rdb, auditlog.RedisOptions{Prefix: prefix})
	}
	return auditlog.OpenFile(filepath.Join(dataDir, auditlog.FileName), nil)
}
