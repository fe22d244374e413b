#!/usr/bin/env bash
# DynamoDB requests and write units per store operation (the measured part of the cost table in
# docs/operations.md): runs the storage contract suite's lifecycle cases against moto behind a
# logging proxy (scripts/dynamodb-requests.py), then prints the successful writes grouped by the
# kinds of items they carry. Not part of ./scripts/test.
# Usage: scripts/dynamodb-requests.sh [LOG]   (default: target/dynamodb-requests.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import moto.server, moto.dynamodb' 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server,dynamodb,s3]'
fi

log=${1:-target/dynamodb-requests.jsonl}
mkdir -p "$(dirname "$log")"
: >"$log"
port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/python scripts/dynamodb-requests.py serve "$port" "$log" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the logging moto server exited" >&2; exit 1; }
  sleep 0.2
done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
SPOTCHECK_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" SPOTCHECK_TEST_DYNAMODB_REQUIRED=1 \
  cargo test -q -p spotcheck-store --test dynamodb_contract -- --test-threads 1 \
  plan_moves results_need penalties_are results_and_decisions publications_move snapshots_are

.venv/bin/python scripts/dynamodb-requests.py summary "$log"
