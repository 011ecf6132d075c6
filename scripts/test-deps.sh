#!/usr/bin/env bash
# Installs what `make test` needs when it is missing: Debian's Chromium, Firefox ESR and WebKitGTK
# (WebKitWebDriver with MiniBrowser, run under Xvfb) for the browser tests,
# redis-server for the Redis-mode tests (started by the tests themselves on a free port),
# redis-cli (redis-tools) with which the tests join servers into a Redis Cluster, and tzdata,
# whose zone.tab configs/timezones.tsv is tested against.
# Go modules come through `go test` itself. Idempotent and quiet when everything is present.
set -euo pipefail

chromium_path() {
  for c in "${EDGE_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [[ -n "$c" && -x "$c" ]] && { echo "$c"; return 0; }
  done
  return 1
}

if ! chromium_path >/dev/null; then
  echo "test-deps: installing chromium (browser tests)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
  chromium_path >/dev/null || { echo "test-deps: chromium did not install" >&2; exit 1; }
fi

# The other two engines: Firefox ESR (WebDriver BiDi) and WebKitGTK's WebKitWebDriver, whose
# MiniBrowser needs an X display (xvfb-run, which needs xauth).
missing=()
[[ -x /usr/bin/firefox-esr ]] || command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
compgen -G "/usr/lib/*/webkit2gtk-4.1/MiniBrowser" >/dev/null || compgen -G "/usr/lib/*/webkit2gtk-4.0/MiniBrowser" >/dev/null || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || missing+=(xvfb)
command -v xauth >/dev/null || missing+=(xauth)
if (( ${#missing[@]} )); then
  echo "test-deps: installing ${missing[*]} (browser tests in Firefox and WebKit)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
  command -v WebKitWebDriver >/dev/null && command -v xvfb-run >/dev/null || { echo "test-deps: firefox/webkit did not install" >&2; exit 1; }
fi

# npm packages the browser tests use: axe-core and an old jQuery injected into pages, acorn to
# check the bundle's ECMAScript level, eslint (TestJSLint) and typescript.
if [[ ! -f node_modules/axe-core/axe.min.js || ! -f node_modules/jquery/dist/jquery.min.js || ! -f node_modules/acorn/dist/acorn.js || ! -f node_modules/eslint/bin/eslint.js || package-lock.json -nt node_modules ]]; then
  if ! command -v npm >/dev/null; then
    echo "test-deps: installing nodejs and npm (browser test assets)"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "test-deps: npm ci (axe-core, jquery, acorn, eslint, typescript)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi

redis_path() {
  for c in "$(command -v redis-server 2>/dev/null || true)" /usr/bin/redis-server; do
    [[ -n "$c" && -x "$c" ]] && { echo "$c"; return 0; }
  done
  return 1
}

if ! redis_path >/dev/null; then
  echo "test-deps: installing redis-server (Redis-mode tests)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  redis_path >/dev/null || { echo "test-deps: redis-server did not install" >&2; exit 1; }
fi

# redis-cli creates the test Redis Cluster; Debian's redis-server pulls it in, a redis-server
# installed another way may come without it.
if ! command -v redis-cli >/dev/null && [[ ! -x /usr/bin/redis-cli ]]; then
  echo "test-deps: installing redis-tools (redis-cli, Redis Cluster tests)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-tools >/dev/null
  command -v redis-cli >/dev/null || { echo "test-deps: redis-cli did not install" >&2; exit 1; }
fi

# The tz database (zone.tab, tzdata.zi) that configs/timezones.tsv is generated from and tested
# against (scripts/tzgen); slim images may come without it (--reinstall: or with its files gone).
if [[ ! -f /usr/share/zoneinfo/zone.tab || ! -f /usr/share/zoneinfo/tzdata.zi ]]; then
  echo "test-deps: installing tzdata (time zone table test)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --reinstall tzdata >/dev/null
  [[ -f /usr/share/zoneinfo/zone.tab ]] || { echo "test-deps: tzdata did not install" >&2; exit 1; }
fi
