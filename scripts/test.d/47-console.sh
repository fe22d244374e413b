#!/usr/bin/env bash
# slow
# The staff console (web/console): `npm ci`, rebuilds the bundle and checks the committed dist/ is
# that build (spotcheck serve embeds dist/), then starts `spotcheck serve --demo` (one minute of
# minimum notice, so the test's plan can be drawn soon) and drives the console in headless Debian
# Chromium only by clicking and typing (web/console/e2e): sign-in links, a registry with a bad row,
# plan, commit, printable notice, draw, result, penalty, approval by a second user, the public
# page and the published website's plan page (spotcheck publish --due over the served data); a joint
# plan the partner's supervisor approves before the lead commits (e2e/joint.test.js); axe-core
# on every page, no sideways scrolling at 1280 and 390 px; and every page by keyboard
# alone (e2e/keyboard.test.js). First the unit tests (web/console/test). Screenshots:
# target/console-screenshots/. Fails loudly; never skips.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

fail() { echo "console: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (need Node 20+)"
command -v npm >/dev/null || fail "npm is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node $(node --version) is too old (need 20+)"

if [[ ! -x /usr/bin/chromium ]] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "installing chromium and a CJK font with apt-get"
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  { $sudo_ apt-get update -qq && $sudo_ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } \
    || fail "could not install chromium with apt-get (the console test needs /usr/bin/chromium)"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is still missing after apt-get install"

# shellcheck source=../lib/cargo.sh
source "$ROOT/scripts/lib/cargo.sh"
bin="$(workspace_artifact bin spotcheck)" || fail "the spotcheck CLI was not built"
target="${CARGO_TARGET_DIR:-$ROOT/target}"

web="$ROOT/web/console"
cd "$web"
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
work="$(mktemp -d)"
server=""
cleanup() {
  # The server dies of the TERM sent here: its status must not become the script's.
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
node --test test/*.test.js || fail "the console's unit tests (web/console/test) failed"
node build.mjs "$work/dist" >/dev/null || fail "the esbuild bundle failed"
for f in index.html app.js app.css; do
  cmp -s "$work/dist/$f" "dist/$f" \
    || fail "web/console/dist/$f is not the build of web/console/src: run 'node build.mjs' in web/console and commit dist/"
done

# The demo server, on a free port, in its own folder (it writes its store and keys there).
mkdir -p "$work/serve"
# kbd-admin (--signin-link) is the keyboard-only test's own user: each link works once.
(cd "$work/serve" && exec "$bin" serve --demo --addr 127.0.0.1:0 --min-notice-minutes 1 --rate-limit 0 \
  --signin-link kbd-admin=admin,registrar --signin-department 莆田市文化和旅游局 \
  >"$work/serve.out" 2>"$work/serve.err") &
server=$!
for _ in $(seq 1 240); do
  grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; fail "spotcheck serve --demo exited"; }
  sleep 0.5
done
grep -q '^listening on ' "$work/serve.out" || { cat "$work/serve.err" >&2; fail "spotcheck serve --demo did not start within 2 minutes"; }

shots="$target/console-screenshots"
rm -rf "$shots" && mkdir -p "$shots"
# SPOTCHECK_BIN and CONSOLE_DATA: the last step publishes the site from the served data (e2e/site.js).
CONSOLE_SERVER_OUT="$work/serve.out" SCREENSHOT_DIR="$shots" SPOTCHECK_BIN="$bin" \
  CONSOLE_DATA="$work/serve/spotcheck-demo.sqlite" node --test e2e/*.test.js \
  || { tail -n 20 "$work/serve.err" >&2; fail "Chromium end-to-end test failed (screenshots in $shots)"; }
echo "console: ok (screenshots in $shots)"
