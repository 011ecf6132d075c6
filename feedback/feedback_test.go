package feedback

import (
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

func TestIDsAreOrderedAndUnique(t *testing.T) {
	g := NewIDs()
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 1000 {
		// Many in one millisecond, and a clock that steps back once.
		at := t0.Add(time.Duration(i/100) * time.Millisecond)
		if i == 500 {
			at = t0
		}
		ids = append(ids, g.New(at))
	}
	if !sort.StringsAreSorted(ids) {
		t.Error("ids from one generator are not increasing")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !ValidID(id) {
			t.Fatalf("id %q repeated or malformed", id)
		}
		seen[id] = true
	}
	if got := IDTime(ids[0]); !got.Equal(t0) {
		t.Errorf("IDTime %v, want %v", got, t0)
	}
	// Two generators (two edges) in the same millisecond still differ.
	if NewIDs().New(t0) == NewIDs().New(t0) {
		t.Error("two generators made the same id")
	}
	for _, bad := range []string{"", "01M80CND6AQ3H4YJXDW7BZ6AH", "01M80CND6AQ3H4YJXDW7BZ6AHU", "91M80CND6AQ3H4YJXDW7BZ6AHT", "01m80cnd6aq3h4yjxdw7bz6aht"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q)", bad)
		}
	}
}

func TestIPHashKey(t *testing.T) {
	dir := t.TempDir()
	k1, fromEnv, err := LoadIPHashKey("", dir)
	if err != nil || fromEnv || len(k1) != 32 {
		t.Fatalf("generated key: %d bytes, %v, %v", len(k1), fromEnv, err)
	}
	st, err := os.Stat(filepath.Join(dir, IPHashKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	k2, _, err := LoadIPHashKey("", dir)
	if err != nil || string(k1) != string(k2) {
		t.Error("the generated key changed on reload")
	}
	if k, fromEnv, err := LoadIPHashKey("a-secret-of-enough-length", dir); err != nil || !fromEnv || string(k) != "a-secret-of-enough-length" {
		t.Error("EDGE_IP_HASH_KEY not used")
	}
	if _, _, err := LoadIPHashKey("short", dir); err == nil {
		t.Error("a short key was accepted")
	}
	h, _ := NewIPHasher(k1)
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("::ffff:192.0.2.1")
	if h.Hash(a) != h.Hash(b) || h.Hash(a) == h.Hash(netip.MustParseAddr("192.0.2.2")) || len(h.Hash(a)) != 32 {
		t.Error("hashes: mapped address differs, or two addresses collide")
	}
	other, _ := NewIPHasher([]byte("another-key-0123456789"))
	if other.Hash(a) == h.Hash(a) {
		t.Error("the hash does not depend on the key")
	}
}

func TestDedupeWaitsForPending(t *testing.T) {
	d := NewDedupe(DedupeWindow)
	now := time.Now()
	_, dup, done := d.Begin("k", "first", now)
	if dup {
		t.Fatal("first is a duplicate")
	}
	result := make(chan bool)
	go func() {
		_, dup, done2 := d.Begin("k", "second", now)
		if done2 != nil {
			done2(true)
		}
		result <- dup
	}()
	// The first write fails: the repeat must then be stored, not answered "duplicate".
	done(false)
	if <-result {
		t.Error("a repeat of a failed write was taken for a duplicate")
	}
	if prev, dup, _ := d.Begin("k", "third", now.Add(time.Minute)); !dup || prev != "second" {
		t.Errorf("third: %q %v", prev, dup)
	}
	if _, dup, done := d.Begin("k", "late", now.Add(DedupeWindow+time.Second)); dup {
		t.Error("a repeat after the window was suppressed")
	} else {
		done(true)
	}
	// Of concurrent first submissions exactly one is stored.
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, dup, done := d.Begin("other", "x", now); !dup {
				mu.Lock()
				stored++
				mu.Unlock()
				done(true)
			}
		}()
	}
	wg.Wait()
	if stored != 1 {
		t.Errorf("%d of 8 concurrent repeats stored", stored)
	}
}

func TestValidEmail(t *testing.T) {
	for e, want := range map[string]bool{
		"a@example.org": true, "first.last+tag@sub.example.co.uk": true, "élise@exemple.fr": true,
		"a@b": false, "a@@b.org": false, "@example.org": false, "a@example..org": false, "a b@example.org": false,
		"a@-example.org": false, "Ann <a@example.org>": false, `"a"@example.org`: false, "a@exa_mple.org": false,
	} {
		if ValidEmail(e) != want {
			t.Errorf("ValidEmail(%q) = %v", e, !want)
		}
	}
}
