#!/usr/bin/env bash
# slow: schema-driven fuzzing of the HTTP API with schemathesis (~6-10 min): no 5xx on any request,
# and a 2xx on every operation. Starts a time-stamping authority (scripts/fuzz-tsa.py: `openssl ts
# -reply` on 127.0.0.1) and `spotcheck serve --demo` using it on a free 127.0.0.1 port, mints an
# all-roles token, a second person's and a partner department's supervisor's, and lets
# schemathesis generate requests from /openapi.json (the document the code generates). The hooks in
# scripts/fuzz_hooks.py make the state some writes need (plans in each state, results and decisions
# awaiting someone else's approval, a refused file's report) and turn every fourth call of those
# operations into a request built from it, so ids created earlier feed later calls; they count every
# answer. `serve` has no upload bucket, so a second run fuzzes the two large-upload routes against
# the routes the upload-api function deploys, over a bucket on moto's S3
# (functions/importer/examples/fuzz_upload_server.rs). scripts/fuzz-summary.py prints
# 2xx/3xx/4xx/5xx per operation over both runs and fails on any 5xx, any operation without a 2xx or
# any 401 to a request the hooks built to succeed; before the runs, scripts/fuzz-hooks-check.py
# checks that every request the hooks build goes with its token.
# Fails loudly (never skips) when schemathesis or moto cannot be installed or run.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/requirements-fuzz.txt; then
  echo "50-api-fuzz: cannot install schemathesis (scripts/requirements-fuzz.txt)" >&2
  exit 1
fi
.venv/bin/schemathesis --version

# shellcheck source=../lib/cargo.sh
source "$ROOT/scripts/lib/cargo.sh"
bin="$(workspace_artifact bin spotcheck)"
uploads_bin="$(workspace_artifact example fuzz_upload_server)"
# shellcheck source=../lib/moto.sh
source "$ROOT/scripts/lib/moto.sh"
# moto's S3 holds the upload bucket of the large-upload routes (below). moto_start sets its own EXIT
# trap; the one below replaces it and stops moto too.
moto_start

work="$(mktemp -d)"
server=""
tsa=""
uploads=""
cleanup() {
  for pid in $server $tsa $uploads $MOTO_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work" "$MOTO_LOG"
}
trap cleanup EXIT

# A time-stamping authority (`openssl ts -reply` on 127.0.0.1, scripts/fuzz-tsa.py): every commit
# is stamped, so the time-stamp routes have tokens to retry and serve.
python3 scripts/fuzz-tsa.py "$work/tsa" >"$work/tsa.url" 2>"$work/tsa.log" &
tsa=$!
for _ in $(seq 1 150); do
  [[ -s "$work/tsa.url" ]] && break
  if ! kill -0 "$tsa" 2>/dev/null; then
    echo "the fuzz time-stamping authority exited before it was ready:" >&2
    cat "$work/tsa.log" >&2
    exit 1
  fi
  sleep 0.2
done
if [[ ! -s "$work/tsa.url" ]]; then
  echo "the fuzz time-stamping authority did not start within 30 s" >&2
  cat "$work/tsa.log" >&2
  exit 1
fi

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# No minimum notice: the hooks draw the plans they commit seconds later.
"$bin" serve --demo --addr "127.0.0.1:$port" --data "$work/d.sqlite" --min-notice-minutes 0 \
  --tsa "fuzz=$(head -n 1 "$work/tsa.url")" --tsa-anchors "$work/tsa/root.pem" \
  >"$work/serve.log" 2>&1 &
server=$!

for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "spotcheck serve exited before it was ready:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.2
done
if ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "spotcheck serve did not answer on 127.0.0.1:$port within 60 s" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

token="$("$bin" token --sub fuzz --department 莆田市文化和旅游局 \
  --role admin --role registrar --role supervisor --role inspector --data "$work/d.sqlite" | tail -n 1)"
# The second person: enters what the fuzzing token approves.
token2="$("$bin" token --sub fuzz-2 --department 莆田市文化和旅游局 \
  --role inspector --role supervisor --data "$work/d.sqlite" | tail -n 1)"
# A supervisor of a partner department: approves joint plans.
token3="$("$bin" token --sub fuzz-partner --department 城厢区文体旅游局 \
  --role supervisor --role inspector --data "$work/d.sqlite" | tail -n 1)"
curl -sf "http://127.0.0.1:$port/openapi.json" >"$work/openapi.json"
# The hooks themselves: no request they build goes without its Authorization header (schemathesis
# leaves it out of a negative case made without the token unless the built request validates).
PYTHONPATH="$ROOT/scripts" PYTHONDONTWRITEBYTECODE=1 SPOTCHECK_FUZZ_FIXTURES="$ROOT/fixtures" \
  .venv/bin/python scripts/fuzz-hooks-check.py "$work/openapi.json"

# `serve` has no upload bucket (its two large-upload routes answer 404 large-uploads-unavailable):
# the routes as the upload-api function deploys them, over a bucket on moto's S3, taking the same
# tokens (functions/importer/examples/fuzz_upload_server.rs).
"$uploads_bin" "$MOTO_ENDPOINT" spotcheck-fuzz-uploads "$work/d.sqlite.jwt-key" \
  >"$work/uploads.url" 2>"$work/uploads.log" &
uploads=$!
for _ in $(seq 1 150); do
  [[ -s "$work/uploads.url" ]] && break
  if ! kill -0 "$uploads" 2>/dev/null; then
    echo "the upload-route server exited before it was ready:" >&2
    cat "$work/uploads.log" >&2
    exit 1
  fi
  sleep 0.2
done
uploads_url="$(head -n 1 "$work/uploads.url" 2>/dev/null || true)"
if [[ -z "$uploads_url" ]]; then
  echo "the upload-route server did not start within 30 s" >&2
  cat "$work/uploads.log" >&2
  exit 1
fi

# not_a_server_error: no 5xx on any generated request, valid or not. Examples per operation are
# bounded so the run takes a few minutes on two cores; the seed makes a failure reproducible.
# The document is given as a file with the server's URL: loaded from its URL, schemathesis would
# not call GET /openapi.json as an operation.
# The coverage phase is left out: with schemathesis 4.32.5 on Python 3.11 it stops with an internal
# hypothesis error ("AST constructor recursion depth mismatch") before sending anything. One worker:
# with two threads, hypothesis's shared cache of strategy descriptions (a KeyError, then the same
# SystemError) once failed an operation in the examples phase.
export SPOTCHECK_FUZZ_BASE="http://127.0.0.1:$port" SPOTCHECK_FUZZ_TOKEN="$token" \
  SPOTCHECK_FUZZ_TOKEN2="$token2" SPOTCHECK_FUZZ_TOKEN3="$token3" SPOTCHECK_FUZZ_UPLOADS="$uploads_url" \
  SPOTCHECK_FUZZ_FIXTURES="$ROOT/fixtures" PYTHONPATH="$ROOT/scripts" SCHEMATHESIS_HOOKS=fuzz_hooks \
  PYTHONDONTWRITEBYTECODE=1
fuzz() { # NAME URL [schemathesis options...]: one run, its answers counted in $work/counts-NAME.json
  local name="$1" url="$2"
  shift 2
  SPOTCHECK_FUZZ_COUNTS="$work/counts-$name.json" \
  .venv/bin/schemathesis run "$work/openapi.json" --url "$url" \
    --checks not_a_server_error \
    --phases examples,fuzzing,stateful \
    --max-examples "${SPOTCHECK_FUZZ_EXAMPLES:-150}" \
    --seed "${SPOTCHECK_FUZZ_SEED:-20261126}" \
    --workers 1 \
    --request-timeout 10 \
    --no-color \
    --report junit --report-dir "$work/report-$name" "$@"
}
# Every operation against `serve`, then the two large-upload routes against the upload-route server.
status=0
fuzz serve "http://127.0.0.1:$port" || status=$?
uploads_status=0
SPOTCHECK_FUZZ_UPLOADS_RUN=1 fuzz uploads "$uploads_url" --include-path-regex '/uploads' || uploads_status=$?

summary=0
python3 scripts/fuzz-summary.py "$work/openapi.json" "$work/counts-serve.json" "$work/counts-uploads.json" \
  || summary=$?
if [[ $status -ne 0 ]]; then
  echo "50-api-fuzz: schemathesis failed against serve (exit $status); server log:" >&2
  tail -n 50 "$work/serve.log" >&2
  exit "$status"
fi
if [[ $uploads_status -ne 0 ]]; then
  echo "50-api-fuzz: schemathesis failed against the upload routes (exit $uploads_status); server log:" >&2
  tail -n 50 "$work/uploads.log" >&2
  exit "$uploads_status"
fi
exit "$summary"
