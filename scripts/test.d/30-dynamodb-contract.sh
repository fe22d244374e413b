#!/usr/bin/env bash
# slow: installs moto, starts moto_server on 127.0.0.1, runs the DynamoDB storage contract suite (~1 min).
# Fails loudly (never skips) when the virtual environment, moto or the server cannot be set up.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import moto.server, moto.dynamodb' 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server,dynamodb]'
fi

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
# moto_server's own entry point serves requests on many threads, and moto's DynamoDB backend has
# no lock: two TransactWriteItems could interleave, which real DynamoDB never allows (it
# serialises conflicting transactions). So we run moto's server application exactly as
# `moto_server -H 127.0.0.1 -p PORT` does, but single-threaded, which makes every request atomic
# like DynamoDB's; otherwise the 50-way race test would be testing moto, not our conditions.
.venv/bin/python - "$port" >"$log" 2>&1 <<'PY' &
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=False, request_handler=MotoRequestHandler)
PY
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 150); do
  if curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "moto_server exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
if ! curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
  echo "moto_server did not answer on 127.0.0.1:$port within 30 s" >&2
  cat "$log" >&2
  exit 1
fi

SPOTCHECK_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" SPOTCHECK_TEST_DYNAMODB_REQUIRED=1 \
  cargo test --locked -p spotcheck-store --test dynamodb_contract -- --nocapture
