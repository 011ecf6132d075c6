package feedback

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// IPHashKeyFile is the file in the data dir holding the generated IP hash key when
// EDGE_IP_HASH_KEY is not set.
const IPHashKeyFile = "ip-hash.key"

// minKeyLen is the shortest secret accepted: a short one could be brute-forced over the IPv4
// space and give the raw addresses back.
const minKeyLen = 16

// IPHasher turns a client address into a keyed hash (HMAC-SHA-256): records can be grouped and
// duplicates found per visitor without ever storing an address, and without the key the hash
// cannot be reversed by hashing all 2^32 IPv4 addresses.
type IPHasher struct {
	key []byte
}

// NewIPHasher returns a hasher with key, which must be at least 16 bytes.
func NewIPHasher(key []byte) (*IPHasher, error) {
	if len(key) < minKeyLen {
		return nil, fmt.Errorf("IP hash key: at least %d bytes, got %d", minKeyLen, len(key))
	}
	return &IPHasher{key: append([]byte(nil), key...)}, nil
}

// Hash returns the hex HMAC of the address's canonical text (128 bits are plenty to group by).
func (h *IPHasher) Hash(ip netip.Addr) string { return h.HashText(ip.Unmap().String()) }

// HashText is the keyed hash of an address in text form (or of a prefix, "2001:db8::/64"): what
// the rate limiter keys its counters by, so that no store holds a raw address.
func (h *IPHasher) HashText(s string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// LoadIPHashKey returns the key from env when set (EDGE_IP_HASH_KEY), else the key in
// dataDir/ip-hash.key, generating that file (0600) on first use. Every edge sharing a Redis must
// share the key for duplicates and per-visitor counts to line up across instances: set
// EDGE_IP_HASH_KEY there. fromEnv says which was used.
func LoadIPHashKey(env, dataDir string) (key []byte, fromEnv bool, err error) {
	if env != "" {
		if len(env) < minKeyLen {
			return nil, true, fmt.Errorf("EDGE_IP_HASH_KEY: at least %d characters", minKeyLen)
		}
		return []byte(env), true, nil
	}
	path := filepath.Join(dataDir, IPHashKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) < minKeyLen {
			return nil, false, fmt.Errorf("%s: not a hex key of at least %d bytes", path, minKeyLen)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, false, err
	}
	// Write a temporary file and link it into place: link fails when the file exists, so two
	// processes starting at once agree on one key, and no reader sees a half-written file.
	tmp, err := os.CreateTemp(dataDir, IPHashKeyFile+".tmp*")
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(k) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
		return LoadIPHashKey("", dataDir)
	} else if err != nil {
		return nil, false, err
	}
	return k, false, nil
}
