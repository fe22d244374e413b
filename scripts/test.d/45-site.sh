#!/usr/bin/env bash
# slow
# The public website (issue 7): builds spotcheck, generates the demo site with
# `spotcheck publish --due --demo`, checks that two concurrent publisher processes publish every
# record exactly once, runs the Rust redaction scan over every generated file (and proves it
# catches a planted ID number), validates every Atom feed against RFC 4287
# (scripts/atom-validate.py), then drives the site in headless Debian Chromium with axe-core
# (web/site-tests: site.test.js, plan-search.test.js). Screenshots: target/screenshots/site/. Fails loudly; never skips.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

fail() { echo "site: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed (need Node 20+)"
command -v npm >/dev/null || fail "npm is not installed"
command -v jq >/dev/null || fail "jq is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "Node $(node --version) is too old (need 20+)"

if [[ ! -x /usr/bin/chromium ]] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "installing chromium and a CJK font with apt-get"
  sudo_=""
  [[ $(id -u) -eq 0 ]] || sudo_="sudo"
  { $sudo_ apt-get update -qq && $sudo_ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } \
    || fail "could not install chromium with apt-get (the site test needs /usr/bin/chromium)"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is still missing after apt-get install"

# shellcheck source=../lib/cargo.sh
source "$ROOT/scripts/lib/cargo.sh"
bin="$(workspace_artifact bin spotcheck)" || fail "the spotcheck CLI was not built"
scan="$(workspace_artifact example scan-site)" || fail "the scan-site example was not built"
target="${CARGO_TARGET_DIR:-$ROOT/target}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
site="$target/site-test/site"
rm -rf "$target/site-test" && mkdir -p "$target/site-test"

# 1. The demo site, published in one run.
"$bin" publish --due --demo --data "$work/demo.sqlite" --site-dir "$site" --report "$work/one.json" >/dev/null \
  || fail "spotcheck publish --due --demo failed"
single=$(jq '.published | length' "$work/one.json")
sched=$(jq '.scheduled | length' "$work/one.json")
[[ "$single" -gt 0 ]] || fail "the demo published nothing"
echo "site: one run scheduled $sched and published $single"

# 2. The same demo store (loaded, nothing published), then two publisher processes at once.
"$bin" publish --demo --data "$work/race.sqlite" --site-dir "$work/race-site" >/dev/null \
  || fail "spotcheck publish --demo (render only) failed"
"$bin" publish --due --data "$work/race.sqlite" --site-dir "$work/race-site" --report "$work/a.json" >/dev/null 2>"$work/a.log" &
pa=$!
"$bin" publish --due --data "$work/race.sqlite" --site-dir "$work/race-site" --report "$work/b.json" >/dev/null 2>"$work/b.log" &
pb=$!
wait "$pa" || { cat "$work/a.log" >&2; fail "first concurrent publisher failed"; }
wait "$pb" || { cat "$work/b.log" >&2; fail "second concurrent publisher failed"; }
both=$(( $(jq '.published | length' "$work/a.json") + $(jq '.published | length' "$work/b.json") ))
both_sched=$(( $(jq '.scheduled | length' "$work/a.json") + $(jq '.scheduled | length' "$work/b.json") ))
[[ "$both" -eq "$single" ]] || fail "two concurrent runs published $both records, one run publishes $single"
[[ "$both_sched" -eq "$sched" ]] || fail "two concurrent runs scheduled $both_sched, one run schedules $sched"
"$bin" publish --due --data "$work/race.sqlite" --site-dir "$work/race-site" --report "$work/c.json" >/dev/null 2>&1 \
  || fail "third publisher run failed"
[[ $(jq '(.published | length) + (.scheduled | length) + .site.written' "$work/c.json") -eq 0 ]] \
  || fail "a third run still published, scheduled or wrote something: $(cat "$work/c.json")"
diff -r -x site-manifest.json -x .publish.lock "$site" "$work/race-site" >/dev/null 2>&1 \
  || echo "site: note: race site differs from the single-run site only in run times"
echo "site: two concurrent processes published $both (= one run), a third run did nothing"

# 3. The Rust redaction scan over every generated file, and proof that it catches a planted one.
"$scan" "$site" || fail "personal numbers found in the generated site"
cp -r "$site" "$work/planted"
echo '<p>11010519491231002X</p>' >> "$work/planted/results/index.html"
if "$scan" "$work/planted" 2>/dev/null; then fail "the scan missed a planted ID number"; fi
echo "site: the scan catches a planted ID number"

# 3b. Every Atom feed against RFC 4287: the RELAX NG schema of its Appendix B (fixtures/atom/),
# its two Schematron rules and RFC 3339 dates, with lxml and rnc2rng from PyPI; and proof that
# the validator refuses a feed without an atom:id.
[[ -x .venv/bin/python ]] || python3 -m venv .venv || fail "could not create .venv"
.venv/bin/python -c 'import lxml, rnc2rng' 2>/dev/null \
  || .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-atom.txt \
  || fail "could not install the Atom validator's packages (scripts/requirements-atom.txt)"
feeds=$(find "$site" -name '*.atom' | wc -l)
[[ "$feeds" -ge 5 ]] || fail "the demo site has $feeds Atom feeds, expected at least 5"
.venv/bin/python scripts/atom-validate.py "$site" || fail "an Atom feed does not conform to RFC 4287"
sed '0,/<id>[^<]*<\/id>/s///' "$site/plans/feed.atom" > "$work/no-id.atom"
if .venv/bin/python scripts/atom-validate.py "$work/no-id.atom" 2>/dev/null; then
  fail "the Atom validator accepted a feed without an atom:id"
fi
echo "site: $feeds Atom feeds conform to RFC 4287; the validator refuses a feed without an id"

# 4. The site in Chromium, with axe-core.
cd "$ROOT/web/site-tests"
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
mkdir -p "$target/screenshots/site"
SPOTCHECK_SITE_DIR="$site" SCREENSHOT_DIR="$target/screenshots/site" node --test site.test.js plan-search.test.js \
  || fail "browser tests failed (screenshots in $target/screenshots/site)"
echo "site: ok (screenshots in $target/screenshots/site)"
