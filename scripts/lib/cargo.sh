# Sourced by the scripts/test.d hooks that run one of the workspace's binaries or test targets.
#
# Every cargo invocation here selects the whole workspace (`--workspace`, then a target filter),
# never one package with `-p`: cargo resolves features per invocation, so `-p` builds a second
# copy of the shared dependencies with other feature sets (each of aws-sdk-s3's copies is 175 MB
# of debug build). Through `--workspace` every hook reuses what `cargo test --workspace` built.

# workspace_artifact KIND NAME: builds the workspace's test graph (a no-op after
# `cargo test --workspace`) and prints the path of the executable NAME of kind KIND
# (bin or example), or fails naming what is missing.
workspace_artifact() {
  local kind="$1" name="$2" path
  path="$(cargo test --workspace --locked --no-run --quiet --message-format=json-render-diagnostics \
    | python3 -c '
import json, sys
kind, name = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    target = msg.get("target") or {}
    if msg.get("reason") == "compiler-artifact" and target.get("name") == name \
            and kind in target.get("kind", []) and msg.get("executable") \
            and not (msg.get("profile") or {}).get("test"):
        print(msg["executable"])
        break
# Read cargo to the end: closing the pipe early fails it (broken pipe) under pipefail.
for _ in sys.stdin:
    pass
' "$kind" "$name")" || return 1
  if [[ -z "$path" || ! -x "$path" ]]; then
    echo "cargo built no $kind named $name" >&2
    return 1
  fi
  printf '%s\n' "$path"
}

# workspace_test NAME [ARGS...]: runs the integration test target NAME, with the workspace's features.
workspace_test() {
  local name="$1"
  shift
  cargo test --workspace --locked --test "$name" "$@"
}
