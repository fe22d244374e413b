#!/usr/bin/env bash
# slow: installs cfn-lint, aws-sam-cli and cargo-lambda (pinned, scripts/requirements-infra.txt) into .venv;
# lints and validates infra/template.yaml offline; builds the Lambda packages for the host with cargo-lambda
# and reports their sizes (goal <= 15 MB each). Fails loudly (never skips) when a tool cannot be installed
# or a check fails.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
want="$(grep -E '^[a-z]' scripts/requirements-infra.txt | sort)"
have="$(.venv/bin/pip freeze --disable-pip-version-check 2>/dev/null | grep -iE '^(cfn-lint|aws-sam-cli|cargo-lambda)==' | sort || true)"
if [[ "$(tr '[:upper:]' '[:lower:]' <<<"$have")" != "$want" ]]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-infra.txt
fi

# No AWS account is involved: dummy credentials, no instance metadata, no telemetry. Where this
# machine allows a private network namespace (root, as in CI), the validators run inside one, which
# proves they need no network at all.
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_SESSION_TOKEN=testing AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0 SAM_CLI_CONTACT_TRACKING=0
offline=()
if unshare -n true 2>/dev/null; then
  offline=(unshare -n)
  echo "validators run without a network (unshare -n)"
fi

echo "cfn-lint $(.venv/bin/cfn-lint --version)"
"${offline[@]}" .venv/bin/cfn-lint infra/template.yaml
echo "cfn-lint: infra/template.yaml has no errors or warnings"

"${offline[@]}" .venv/bin/sam validate --lint --region us-east-1 -t infra/template.yaml
for env in dev prod; do
  (cd infra && "${offline[@]}" ../.venv/bin/sam validate --config-env "$env" --region us-east-1)
done

# Packaging: cargo-lambda builds for the host target with plain cargo (no zig, no toolchain download).
# Deployment builds use --arm64 (docs/operations.md); CI never does.
# Every package under functions/ that depends on lambda_http or lambda_runtime, with its binaries.
mapfile -t lambdas < <(cargo metadata --format-version 1 --no-deps --offline | .venv/bin/python -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    deps = {d["name"] for d in p["dependencies"]}
    if "/functions/" in p["manifest_path"] and deps & {"lambda_http", "lambda_runtime"}:
        for t in p["targets"]:
            if "bin" in t["kind"]:
                print(p["name"], t["name"])
')
for want in inspector-api public-api upload-api spotcheck-importer; do
  if ! printf '%s\n' "${lambdas[@]}" | grep -qx "[^ ]* $want"; then
    echo "expected the $want binary among the Lambda binaries, found: ${lambdas[*]:-none}" >&2
    exit 1
  fi
done
pkg_args=()
for l in "${lambdas[@]}"; do pkg_args+=(-p "${l% *}"); done
host="$(rustc -vV | sed -n 's/^host: //p')"
# CI disks can be small (a run once stopped with "No space left on device"), and this is the last
# suite: in CI the debug build is removed before the release build starts.
if [[ -n "${CI:-}" ]]; then
  echo "CI: removing the debug build before the release build ($(du -sh "${CARGO_TARGET_DIR:-$ROOT/target}/debug" 2>/dev/null | cut -f1))"
  rm -rf "${CARGO_TARGET_DIR:-$ROOT/target}/debug"
fi
PATH="$ROOT/.venv/bin:$PATH" cargo lambda build --release --locked --compiler cargo --target "$host" "${pkg_args[@]}"

# The goal is 15 MB a binary (docs/performance.md); above it this warns. Above 50 MB (Lambda's limit
# for a zipped upload) it fails.
echo "Lambda packages (stripped release binaries, host target $host; goal <= 15 MB each):"
fail=0
for l in "${lambdas[@]}"; do
  bin="${l#* }"
  boot="target/lambda/$bin/bootstrap"
  if [[ ! -f "$boot" ]]; then
    echo "  $bin: cargo lambda produced no $boot" >&2
    fail=1
    continue
  fi
  bytes="$(stat -c %s "$boot")"
  awk -v n="$bin" -v b="$bytes" 'BEGIN { printf "  %-24s %10d bytes  %5.1f MB\n", n, b, b / 1e6 }'
  if (( bytes > 15000000 )); then
    echo "  $bin is over the 15 MB goal (see the size-optimised packages in Cargo.toml)" >&2
    fail=1
  fi
done
exit "$fail"
