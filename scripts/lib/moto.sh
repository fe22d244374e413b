# Sourced by scripts/test.d hooks: installs moto into .venv and starts one moto server on a free
# 127.0.0.1 port, single-threaded. Sets MOTO_ENDPOINT (http://127.0.0.1:PORT) and stops the server
# when the sourcing script exits. Fails loudly (never skips) when anything cannot be set up.
#
# moto_server's own entry point serves requests on many threads, and moto's DynamoDB backend has
# no lock: two TransactWriteItems could interleave, which real DynamoDB never allows (it
# serialises conflicting transactions). So we run moto's server application exactly as
# `moto_server -H 127.0.0.1 -p PORT` does, but single-threaded, which makes every request atomic
# like DynamoDB's; otherwise the 50-way race tests would be testing moto, not our conditions.

moto_start() {
  if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
  fi
  if ! .venv/bin/python -c 'import moto.server, moto.dynamodb, moto.s3' 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server,dynamodb,s3]'
  fi

  local port
  port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  MOTO_LOG="$(mktemp)"
  .venv/bin/python - "$port" >"$MOTO_LOG" 2>&1 <<'PY' &
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=False, request_handler=MotoRequestHandler)
PY
  MOTO_PID=$!
  trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; rm -f "$MOTO_LOG"' EXIT

  MOTO_ENDPOINT="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if curl -sf "$MOTO_ENDPOINT/moto-api/" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "moto_server exited before it was ready:" >&2
      cat "$MOTO_LOG" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "moto_server did not answer on $MOTO_ENDPOINT within 30 s" >&2
  cat "$MOTO_LOG" >&2
  exit 1
}
