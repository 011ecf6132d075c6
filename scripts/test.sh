#!/usr/bin/env bash
# Every test, in two go test runs side by side: every package with the race detector but the
# widget's, whose tests drive real browsers (Chromium, Firefox, WebKit) and spend their time
# waiting on them; the edge they load is race-tested in the server package's own tests. Side by
# side they take about as long as the longer of the two. Either failing fails the whole.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$GO" test -count=1 -timeout 9m ./widget/ >"$log" 2>&1 &
widget=$!
"$GO" test -race -count=1 -timeout 9m $("$GO" list ./... | grep -v '/widget$')
rc=$?
wait "$widget" || rc=1
cat "$log"
exit $rc
