package nojs

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/feedback"
)

// The form's signed render time: the bot timing check without script. The frame page writes
// when it rendered the form and a MAC of that time and the partner (the client-address hasher's
// key, shared by the edges of one deployment when EDGE_IP_HASH_KEY is set); the intake reads
// how long the form was open. A missing or forged time is a bot's (answered as accepted, not
// stored); a genuine time older than TokenTTL asks the visitor to send again.
const TokenTTL = 24 * time.Hour

// sign returns the form's "t" value for a form rendered at now for partner.
func sign(h *feedback.IPHasher, partner string, now time.Time) string {
	ms := strconv.FormatInt(now.UnixMilli(), 36)
	return ms + "." + mac(h, partner, ms)
}

func mac(h *feedback.IPHasher, partner, ms string) string {
	return h.HashText("signpost form\x00" + partner + "\x00" + ms)
}

// tokenAge is how long ago the form of t was rendered; ok is false when t was not made by
// sign for partner (or names a time in the future).
func tokenAge(h *feedback.IPHasher, partner, t string, now time.Time) (age time.Duration, ok bool) {
	ms, sum, found := strings.Cut(t, ".")
	if !found || len(ms) > 12 {
		return 0, false
	}
	if subtle.ConstantTimeCompare([]byte(sum), []byte(mac(h, partner, ms))) != 1 {
		return 0, false
	}
	n, err := strconv.ParseInt(ms, 36, 64)
	if err != nil {
		return 0, false
	}
	age = now.Sub(time.UnixMilli(n))
	// A clock a little behind across edges is not a bot.
	if age < -time.Minute {
		return 0, false
	}
	return max(age, 0), true
}
