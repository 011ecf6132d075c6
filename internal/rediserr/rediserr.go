// Package rediserr says which Redis errors mean "Redis cannot serve now" (the stores answer
// those as unavailable, 503) rather than a fault of the request or of the data.
package rediserr

import (
	"errors"

	"github.com/redis/go-redis/v9"
)

// unavailablePrefixes are the replies by which Redis says it cannot serve now.
var unavailablePrefixes = []string{"LOADING", "CLUSTERDOWN", "MASTERDOWN", "TRYAGAIN", "READONLY", "BUSY", "NOREPLICAS"}

// Unavailable reports whether err says Redis cannot serve now: a network, timeout, pool or
// closed-client error, no cluster nodes, or one of the replies above. redis.Nil (no such key)
// and other replies from Redis are not.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, redis.Nil) {
		return false
	}
	var rerr redis.Error
	if errors.As(err, &rerr) { // a reply from Redis: only these say it cannot serve now
		for _, p := range unavailablePrefixes {
			if redis.HasErrorPrefix(err, p) {
				return true
			}
		}
		return false
	}
	return true // network, timeout, pool, closed client, no cluster nodes
}
