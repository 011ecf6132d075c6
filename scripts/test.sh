#!/usr/bin/env bash
# `make test` after test-deps: go vet and every test, in three runs side by side, since most of
# the suite's time is spent waiting on browsers, edges and redis-server rather than computing:
#   - go vet ./...;
#   - the browser-driven packages, the widget's and the console's (server/console: the console,
#     dashboard and history views driven as an operator does), without the race detector, four
#     tests at a time (-parallel 4): they drive real browsers (Chromium, Firefox, WebKit) and spend
#     their time waiting on them (a test binary starts one Chromium, and one Firefox per set of
#     preferences, that its tests share: browsertest.Main); the edge they load is race-tested in
#     the tests of server and its job packages (server/admin, server/intake, ...), which call
#     the same routes directly;
#   - every other package with the race detector, four packages at a time (-p 4: the longest,
#     server, cmd/edge and internal/browsertest, mostly wait).
# Side by side they take about as long as the longest. SIGNPOST_TEST_LONG=1 (make test-long) runs
# the long browser scenarios in full, where make test shares them out among the engines.
# Fuzzing is `make fuzz`: here each fuzz target runs its seed corpus (testdata/fuzz and f.Add) as
# an ordinary test. Any run failing fails the whole.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
# Builds keyed by module path rather than checkout directory: a fresh clone reuses what an
# earlier checkout on the machine compiled (the tests' own `go build`s inherit it too). Test
# binaries are linked without DWARF (-w: no debugger reads them; stack traces keep their files
# and lines): a third less linking for some twenty race-detector binaries.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath -ldflags=-w"
# The module's packages, not the npm packages' (node_modules holds some Go of its own).
pkgs=$("$GO" list ./... | grep -v /node_modules/)
vetlog=$(mktemp)
widgetlog=$(mktemp)
trap 'rm -f "$vetlog" "$widgetlog"' EXIT
"$GO" vet $pkgs >"$vetlog" 2>&1 &
vet=$!
browsers='/widget$|/server/console$'
# The widget's first: the longer of the two (go test starts them in the order given).
"$GO" test -count=1 -parallel 4 -timeout 25m $("$GO" list ./widget ./server/console) >"$widgetlog" 2>&1 &
widget=$!
# The longest first: go test starts packages in the order given, and these three mostly wait.
first=$("$GO" list ./server ./cmd/edge ./internal/browsertest)
"$GO" test -race -count=1 -p 4 -timeout 25m $first $(echo "$pkgs" | grep -vE "$browsers" | grep -vxF "$first")
rc=$?
wait "$widget" || rc=1
cat "$widgetlog"
if wait "$vet"; then
  echo "go vet ./...: ok"
else
  cat "$vetlog"
  rc=1
fi
exit $rc
