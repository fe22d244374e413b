#!/usr/bin/env bash
# slow
# The browser verifier (web/verify): an independent JS implementation of docs/draw-spec.md.
# Installs Chromium if missing, `npm ci`, rebuilds the page and checks the committed
# dist/verify.html is that build, runs the Node tests (vectors, verification vectors, tamper, Rust
# cross-check, and the differential tests: 200 random draws and 150 random joint plans from a fresh
# seed on which the CLI and the JS core must agree; DIFF_SEED=n replays one), then the end-to-end
# tests in headless Chromium (among them e2e/joint-api.test.js: a joint plan made through
# `spotcheck serve --demo`'s HTTP API on 127.0.0.1, its published files verified by the page and by
# `spotcheck verify`, one byte changed in each refused).
# Fails loudly; never skips.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
web="$ROOT/web/verify"

fail() { echo "web verifier: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (need Node 20+)"
command -v npm >/dev/null || fail "npm is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node $(node --version) is too old (need 20+)"

# Debian Chromium for the end-to-end test (playwright-core never downloads a browser), and a CJK
# font so screenshots show the Chinese text.
if [[ ! -x /usr/bin/chromium ]] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "installing chromium and a CJK font with apt-get"
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  { $sudo_ apt-get update -qq && $sudo_ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } \
    || fail "could not install chromium with apt-get (the end-to-end test needs /usr/bin/chromium)"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is still missing after apt-get install"

# The Rust CLI the cross-check and end-to-end tests compare with (the debug build the other suites
# use too; the benchmark, not run here, uses the release build).
# shellcheck source=../lib/cargo.sh
source "$ROOT/scripts/lib/cargo.sh"
SPOTCHECK_BIN="$(workspace_artifact bin spotcheck)" || fail "the spotcheck CLI was not built"
export SPOTCHECK_BIN

cd "$web"
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"

fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
node build.mjs "$fresh/verify.html" >/dev/null || fail "the esbuild bundle failed"
cmp -s "$fresh/verify.html" dist/verify.html \
  || fail "web/verify/dist/verify.html is not the build of web/verify/src: run 'node build.mjs' in web/verify and commit dist/"

node --test test/*.test.js || fail "Node tests failed"
node --test e2e/*.test.js || fail "Chromium end-to-end tests failed (screenshots in target/screenshots/)"
echo "web verifier: all checks passed"
