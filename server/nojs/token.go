package nojs

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/feedback"
)

// The form's signed token: the bot timing check without script, and what makes each rendering
// of the form count once. The frame page writes when it rendered the form, a random nonce, and
// a MAC of both and the partner (the client-address hasher's key, shared by the edges of one
// deployment when EDGE_IP_HASH_KEY is set); the intake reads how long the form was open. A
// missing or forged token is a bot's (answered as accepted, not stored); a genuine one older
// than TokenTTL asks the visitor to send again; one already spent (feedback/spent) is refused.
const TokenTTL = 24 * time.Hour

// skew is how far ahead of this edge's clock another edge's may be.
const skew = time.Minute

// token is a genuine form token: when its form was rendered, and its id, unique to it (the
// MAC), under which it is spent.
type token struct {
	rendered time.Time
	id       string
}

// expires is when the form refuses t as expired, and so when it may be forgotten as spent.
func (t token) expires() time.Time { return t.rendered.Add(TokenTTL) }

// sign returns the form's "t" value for a form rendered at now for partner:
// "<ms base 36>.<nonce>.<mac>". The nonce tells apart two forms rendered in one millisecond.
func sign(h *feedback.IPHasher, partner string, now time.Time) string {
	ms := strconv.FormatInt(now.UnixMilli(), 36)
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	nonce := hex.EncodeToString(b[:])
	return ms + "." + nonce + "." + mac(h, partner, ms+"\x00"+nonce)
}

func mac(h *feedback.IPHasher, partner, signed string) string {
	return h.HashText("signpost form\x00" + partner + "\x00" + signed)
}

// parseToken reads t, made by sign for partner; ok is false for anything else, or a time more
// than skew in the future. Tokens of the release before ("<ms>.<mac>", without nonce) are read
// too: a form open across a deploy is sent like any other (they expire within TokenTTL).
func parseToken(h *feedback.IPHasher, partner, t string, now time.Time) (tok token, ok bool) {
	parts := strings.Split(t, ".")
	var signed string
	switch len(parts) {
	case 3:
		if len(parts[1]) != 16 {
			return token{}, false
		}
		signed = parts[0] + "\x00" + parts[1]
	case 2:
		signed = parts[0]
	default:
		return token{}, false
	}
	ms, sum := parts[0], parts[len(parts)-1]
	if len(ms) > 12 || subtle.ConstantTimeCompare([]byte(sum), []byte(mac(h, partner, signed))) != 1 {
		return token{}, false
	}
	n, err := strconv.ParseInt(ms, 36, 64)
	if err != nil {
		return token{}, false
	}
	rendered := time.UnixMilli(n)
	// A clock a little behind across edges is not a bot.
	if rendered.Sub(now) > skew {
		return token{}, false
	}
	return token{rendered: rendered, id: sum}, true
}

// age is how long the form of t has been open at now (never negative).
func (t token) age(now time.Time) time.Duration { return max(now.Sub(t.rendered), 0) }
