package feedback

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is Crockford's base-32 alphabet: ids sort as strings in time order and read aloud
// without ambiguity.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// IDLen is the length of an id: 48 bits of milliseconds and 80 random bits in 26 characters.
const IDLen = 26

// IDs makes time-ordered, unique ids (the ULID layout). Within one millisecond the random part
// is incremented, so ids from one generator are strictly increasing; across edge instances the
// 80 random bits keep them apart. An id is made once at intake and never changes, which is what
// lets a spooled record be replayed into Redis exactly once.
type IDs struct {
	mu     sync.Mutex
	lastMS uint64
	hi     uint16 // top 16 of the 80 random bits
	lo     uint64 // low 64
	read   func([]byte) (int, error)
}

// NewIDs returns a generator.
func NewIDs() *IDs { return &IDs{read: rand.Read} }

// New returns the id for a record received at t.
func (g *IDs) New(t time.Time) string {
	ms := uint64(t.UnixMilli())
	g.mu.Lock()
	if ms <= g.lastMS {
		// Same millisecond, or the clock stepped back: keep order by counting up from the last.
		ms = g.lastMS
		g.lo++
		if g.lo == 0 {
			g.hi++
		}
	} else {
		var b [10]byte
		_, _ = g.read(b[:]) // crypto/rand.Read never fails on supported platforms
		g.hi = binary.BigEndian.Uint16(b[:2])
		g.lo = binary.BigEndian.Uint64(b[2:])
		// Leave room to count up within the millisecond without wrapping.
		g.lo &^= 1 << 63
	}
	g.lastMS = ms
	hi, lo := g.hi, g.lo
	g.mu.Unlock()
	return encodeID(ms, hi, lo)
}

func encodeID(ms uint64, hi uint16, lo uint64) string {
	var b [IDLen]byte
	// 10 characters of time (50 bits, top 2 always zero for 48-bit milliseconds).
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	// 16 characters of the 80 random bits.
	for i := IDLen - 1; i >= 10; i-- {
		b[i] = crockford[lo&31]
		lo = lo>>5 | uint64(hi&31)<<59
		hi >>= 5
	}
	return string(b[:])
}

// ValidID reports whether s has the shape of an id; ids from outside (a replayed line) are
// checked before they become Redis keys.
func ValidID(s string) bool {
	if len(s) != IDLen || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') || c == 'I' || c == 'L' || c == 'O' || c == 'U' {
			return false
		}
	}
	return true
}

// IDTime returns the millisecond an id was made in.
func IDTime(id string) time.Time {
	var ms int64
	for i := 0; i < 10 && i < len(id); i++ {
		ms = ms<<5 | int64(indexCrockford(id[i]))
	}
	return time.UnixMilli(ms).UTC()
}

func indexCrockford(c byte) int {
	for i := 0; i < len(crockford); i++ {
		if crockford[i] == c {
			return i
		}
	}
	return 0
}
