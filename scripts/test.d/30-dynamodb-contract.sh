#!/usr/bin/env bash
# slow: installs moto, starts moto_server on 127.0.0.1, runs the DynamoDB storage contract suite (~1 min).
# Fails loudly (never skips) when the virtual environment, moto or the server cannot be set up.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
# shellcheck source=../lib/moto.sh
source scripts/lib/moto.sh
# shellcheck source=../lib/cargo.sh
source scripts/lib/cargo.sh
moto_start

SPOTCHECK_TEST_DYNAMODB_ENDPOINT="$MOTO_ENDPOINT" SPOTCHECK_TEST_DYNAMODB_REQUIRED=1 \
  workspace_test dynamodb_contract -- --nocapture
