#!/usr/bin/env bash
# slow: starts moto_server (KMS) on 127.0.0.1 and seals plan secrets with KMS HMAC keys: a commit
# seals with GenerateMac, the draw unseals, another key, an altered commitment, a
# missing key are refused, a legacy key unseals during a migration (~1 min). Fails loudly (never
# skips) when moto or the server cannot be set up.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
# shellcheck source=../lib/moto.sh
source scripts/lib/moto.sh
# shellcheck source=../lib/cargo.sh
source scripts/lib/cargo.sh
moto_start

SPOTCHECK_TEST_MOTO_ENDPOINT="$MOTO_ENDPOINT" SPOTCHECK_TEST_MOTO_REQUIRED=1 \
  workspace_test kms_moto -- --nocapture
