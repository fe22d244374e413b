#!/usr/bin/env bash
# slow: schema-driven fuzzing of the HTTP API with schemathesis (~2-3 min): no 5xx on any request.
# Starts `spotcheck serve --demo` on a free 127.0.0.1 port, mints an all-roles token and lets
# schemathesis generate requests from /openapi.json (the document the code generates). Fails
# loudly (never skips) when schemathesis cannot be installed or run, or when any request gets a 5xx.
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

work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" serve --demo --addr "127.0.0.1:$port" --data "$work/d.sqlite" >"$work/serve.log" 2>&1 &
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

# not_a_server_error: no 5xx on any generated request, valid or not. Examples per operation are
# bounded so the run takes a few minutes on two cores; the seed makes a failure reproducible.
# The coverage phase is left out: with schemathesis 4.32.5 on Python 3.11 it stops with an internal
# hypothesis error ("AST constructor recursion depth mismatch") before sending anything.
status=0
.venv/bin/schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --checks not_a_server_error \
  --header "Authorization: Bearer $token" \
  --phases examples,fuzzing,stateful \
  --max-examples "${SPOTCHECK_FUZZ_EXAMPLES:-150}" \
  --seed "${SPOTCHECK_FUZZ_SEED:-20261126}" \
  --workers 2 \
  --request-timeout 10 \
  --no-color \
  --report junit --report-dir "$work/report" || status=$?

if [[ $status -ne 0 ]]; then
  echo "50-api-fuzz: schemathesis failed (exit $status); server log:" >&2
  tail -n 50 "$work/serve.log" >&2
  exit "$status"
fi
