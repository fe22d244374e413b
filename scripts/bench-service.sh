#!/usr/bin/env bash
# Load test of `spotcheck serve` (release build): public GET of a transcript, beside a static-file
# baseline serving the same bytes (python3 -m http.server), in the same run, with wrk on 127.0.0.1.
# Usage: scripts/bench-service.sh [seconds per run, default 15] [connections, default 64]
# Needs wrk (apt-get install -y wrk). Prints requests/s and latency percentiles for both, the
# ratio, and the release binary's size.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-15}"
conns="${2:-64}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --locked --quiet -p spotcheck-cli
bin="$PWD/target/release/spotcheck"

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() {
  for _ in $(seq 1 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; return 1
}

api_port="$(free_port)"
"$bin" serve --demo --addr "127.0.0.1:$api_port" --data "$work/d.sqlite" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$api_port/healthz"

plan="$(curl -sf "http://127.0.0.1:$api_port/api/public/plans" |
  python3 -c 'import json,sys; print(next(p["spec"]["id"] for p in json.load(sys.stdin) if p["state"]["state"] == "drawn"))')"
api_url="http://127.0.0.1:$api_port/api/public/plans/$plan/transcript"
mkdir -p "$work/static"
curl -sf "$api_url" -o "$work/static/transcript.json"

static_port="$(free_port)"
python3 -m http.server "$static_port" --bind 127.0.0.1 --directory "$work/static" >/dev/null 2>&1 &
pids+=($!)
static_url="http://127.0.0.1:$static_port/transcript.json"
wait_up "$static_url"
cmp -s "$work/static/transcript.json" <(curl -sf "$static_url") || { echo "static copy differs" >&2; exit 1; }

echo "transcript of $plan: $(wc -c <"$work/static/transcript.json") bytes; $(nproc) cores; wrk -t2 -c$conns -d${secs}s"
run() { # name url
  curl -sf "$2" >/dev/null # warm
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$2" >"$work/$1.txt"
  local rps p50 p99
  rps="$(awk '/^Requests\/sec/ {print $2}' "$work/$1.txt")"
  p50="$(awk '$1 == "50%" {print $2}' "$work/$1.txt")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/$1.txt")"
  printf '%-28s %10s req/s   p50 %-8s p99 %-8s non-2xx: %s\n' "$1" "$rps" "$p50" "$p99" \
    "$(awk '/Non-2xx/ {print $NF}' "$work/$1.txt" | grep . || echo 0)"
  echo "$rps" >"$work/$1.rps"
}
run "spotcheck serve (API)" "$api_url"
run "python3 -m http.server" "$static_url"
python3 -c "import sys; a, s = (float(open(f).read()) for f in sys.argv[1:]); print(f'ratio API / static: {a / s:.2f}')" \
  "$work/spotcheck serve (API).rps" "$work/python3 -m http.server.rps"
echo "release binary: $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1), stripped per [profile.release])"
