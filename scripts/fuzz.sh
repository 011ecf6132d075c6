#!/usr/bin/env bash
# Runs every fuzz target of the project for FUZZTIME each (default 30s; a count such as 4000x
# works too): `make fuzz`. `make test` does not fuzz: `go test` runs each target's seed corpus
# (testdata/fuzz and the target's f.Add) as an ordinary test. A crash stops it and leaves the
# failing input in testdata/fuzz.
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" as a failure when a
# duration -fuzztime ends while a worker is busy (golang/go#75804, fixed in Go 1.27) — on a busy
# machine it does. Counts (Nx) have no deadline; with a duration, that failure counts only when
# it left a failing input behind.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
targets=(
  "./server/asset FuzzNegotiate" "./server/asset FuzzMatchETag"
  "./snippets FuzzParseParams" "./snippets FuzzLoad"
  "./server/intake FuzzDecode" "./feedback FuzzDecodeReport" "./server FuzzBeacon" "./server FuzzAdminEdits" "./server FuzzFeedbackForm"
  "./internal/linediff FuzzDiff" "./internal/jsonstrict FuzzDuplicateKey"
)
inputs() { if [[ -d "$1" ]]; then find "$1" -type f | wc -l; else echo 0; fi; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "fuzz $pkg $name ($FUZZTIME)"
  corpus="$pkg/testdata/fuzz/$name"
  before=$(inputs "$corpus")
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$out" 2>&1; then
    tail -1 "$out"
    continue
  fi
  after=$(inputs "$corpus")
  if [[ "$after" == "$before" ]] && grep -q '^    context deadline exceeded$' "$out" && ! grep -q 'Failing input written' "$out"; then
    echo "  ended by golang/go#75804 at the deadline, no failing input: not a finding"
    continue
  fi
  cat "$out"
  exit 1
done
