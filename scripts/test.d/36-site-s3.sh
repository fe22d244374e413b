#!/usr/bin/env bash
# slow: starts moto (S3 and DynamoDB on one port), runs the publisher's S3 site tests and its Lambda
# handler end to end against it (~1 min). Fails loudly (never skips) when moto cannot be set up.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
# shellcheck source=../lib/moto.sh
source scripts/lib/moto.sh
# shellcheck source=../lib/cargo.sh
source scripts/lib/cargo.sh
moto_start

SPOTCHECK_TEST_S3_ENDPOINT="$MOTO_ENDPOINT" SPOTCHECK_TEST_S3_REQUIRED=1 \
  workspace_test s3_site -- --nocapture
