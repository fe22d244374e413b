#!/usr/bin/env bash
# slow: installs cfn-lint, aws-sam-cli and cargo-lambda (pinned, scripts/requirements-infra.txt) into .venv
# and checkov into .tools/checkov-venv (its boto3 pin conflicts with aws-sam-cli's); lints and validates
# infra/template.yaml offline for both partitions (cfn-lint for cn-north-1, cn-northwest-1 and us-east-1,
# sam validate in aws-cn and aws), runs checkov on the expanded template; builds the Lambda packages for
# the host with cargo-lambda, reports their sizes (goal <= 15 MB each) and runs each against a local
# Lambda Runtime API (scripts/lambda-cold-start.py --check). Fails loudly (never skips) when
# a tool cannot be installed or a check fails. SPOTCHECK_INFRA_TEMPLATE_ONLY=1 stops before the build.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
want="$(grep -E '^[a-z]' scripts/requirements-infra.txt | grep -v '^checkov==' | sort)"
have="$(.venv/bin/pip freeze --disable-pip-version-check 2>/dev/null | grep -iE '^(cfn-lint|aws-sam-cli|cargo-lambda)==' | sort || true)"
if [[ "$(tr '[:upper:]' '[:lower:]' <<<"$have")" != "$want" ]]; then
  grep -E '^[a-z]' scripts/requirements-infra.txt | grep -v '^checkov==' >.venv/requirements-infra.txt
  .venv/bin/pip install --quiet --disable-pip-version-check -r .venv/requirements-infra.txt
fi
# checkov pins a boto3 that aws-sam-cli refuses, so it has a virtual environment of its own.
checkov_want="$(grep -E '^checkov==' scripts/requirements-infra.txt)"
if [[ ! -x .tools/checkov-venv/bin/python ]]; then
  mkdir -p .tools
  python3 -m venv .tools/checkov-venv
fi
if [[ "$(.tools/checkov-venv/bin/pip freeze --disable-pip-version-check 2>/dev/null | grep -i '^checkov==' || true)" != "$checkov_want" ]]; then
  .tools/checkov-venv/bin/pip install --quiet --disable-pip-version-check "$checkov_want"
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

# One template for both partitions: the two AWS China regions (aws-cn, where Cognito user pools and
# CloudFront Origin Access Control do not exist) and a global one.
regions=(cn-north-1 cn-northwest-1 us-east-1)
echo "cfn-lint $(.venv/bin/cfn-lint --version)"
"${offline[@]}" .venv/bin/cfn-lint --regions "${regions[@]}" -- infra/template.yaml
echo "cfn-lint: infra/template.yaml has no errors or warnings in ${regions[*]}"

# sam validate needs a region; --region is enough offline (no credentials are used).
for region in cn-north-1 us-east-1; do
  "${offline[@]}" .venv/bin/sam validate --lint --region "$region" -t infra/template.yaml
  for env in dev prod; do
    (cd infra && "${offline[@]}" ../.venv/bin/sam validate --config-env "$env" --region "$region")
  done
done

# checkov on the template CloudFormation deploys (SAM expanded offline), for each partition. Findings
# that do not apply are skipped with their reason: per resource in the template's Metadata, for
# every function in infra/checks/checkov.yaml.
echo "checkov $(.tools/checkov-venv/bin/checkov --version)"
expanded="$(mktemp -d)"
trap 'rm -rf "$expanded"' EXIT
for region in cn-north-1 us-east-1; do
  "${offline[@]}" .venv/bin/python infra/checks/expand.py "$region" "$expanded/template-$region.json"
  "${offline[@]}" .tools/checkov-venv/bin/checkov --config-file infra/checks/checkov.yaml \
    -f "$expanded/template-$region.json"
done
echo "checkov: no failed checks in either partition"

if [[ -n "${SPOTCHECK_INFRA_TEMPLATE_ONLY:-}" ]]; then
  if [[ -n "${CI:-}" ]]; then
    echo "SPOTCHECK_INFRA_TEMPLATE_ONLY is not allowed in CI" >&2
    exit 2
  fi
  echo "SPOTCHECK_INFRA_TEMPLATE_ONLY: the Lambda package build is left out"
  exit 0
fi

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
# Each function starts and answers one real event against a local stand-in for the Lambda Runtime
# API, with every AWS endpoint a closed local port (functional only: no timing is checked; without
# --check the script prints the cold-start figures of docs/performance.md).
if ! python3 scripts/lambda-cold-start.py --check --dir target/lambda; then
  echo "a Lambda function did not start or did not answer its event (above)" >&2
  fail=1
fi
exit "$fail"
