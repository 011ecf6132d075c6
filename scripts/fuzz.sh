#!/usr/bin/env bash
# Runs every fuzz target of the project for FUZZTIME each (default 30s): `make fuzz` for long
# runs; `make test` runs it for a few seconds a target (the seed corpora are in testdata/fuzz
# and in each target's f.Add). A crash stops it and leaves the failing input in testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
targets=(
  "./server/asset FuzzNegotiate" "./server/asset FuzzMatchETag"
  "./snippets FuzzParseParams" "./snippets FuzzLoad"
  "./server FuzzDecode" "./server FuzzBeacon" "./server FuzzAdminEdits"
  "./internal/linediff FuzzDiff" "./internal/jsonstrict FuzzDuplicateKey"
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "fuzz $pkg $name ($FUZZTIME)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >/tmp/signpost-fuzz.$$ 2>&1 || { cat /tmp/signpost-fuzz.$$; rm -f /tmp/signpost-fuzz.$$; exit 1; }
  tail -1 /tmp/signpost-fuzz.$$
done
rm -f /tmp/signpost-fuzz.$$
