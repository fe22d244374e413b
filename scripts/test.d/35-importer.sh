#!/usr/bin/env bash
# slow: starts moto_server (S3 and DynamoDB) on 127.0.0.1 and runs the large-upload path end to end:
# presigned URL from the inspector API, HTTP PUT, the importer on the "Object Created" event, the status
# read back through the API (~1 min). Fails loudly (never skips) when moto or the server cannot be set up.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
# shellcheck source=../lib/moto.sh
source scripts/lib/moto.sh
# shellcheck source=../lib/cargo.sh
source scripts/lib/cargo.sh
moto_start

SPOTCHECK_TEST_MOTO_ENDPOINT="$MOTO_ENDPOINT" SPOTCHECK_TEST_MOTO_REQUIRED=1 \
  workspace_test moto_e2e -- --nocapture
