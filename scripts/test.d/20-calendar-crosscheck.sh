#!/usr/bin/env bash
# Cross-check: every date 2018-01-01..2026-12-31, working or not, ours vs PyPI chinese-calendar.
# Fails loudly (never skips) when the virtual environment or the package cannot be installed.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"

FIRST=2018
LAST=2026
venv="$ROOT/.venv"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating virtual environment $venv"
  python3 -m venv "$venv" || { echo "calendar cross-check: python3 -m venv failed" >&2; exit 1; }
fi
if ! "$venv/bin/python" -c 'import chinese_calendar' 2>/dev/null; then
  "$venv/bin/pip" install --quiet chinese-calendar \
    || { echo "calendar cross-check: pip install chinese-calendar failed" >&2; exit 1; }
fi

# shellcheck source=../lib/cargo.sh
source "$ROOT/scripts/lib/cargo.sh"
bin="$(workspace_artifact bin spotcheck)"

dump="$(mktemp)"
trap 'rm -f "$dump"' EXIT
# Unset so the comparison is against the shipped calendar, not a local override.
env -u SPOTCHECK_CALENDAR_FILE "$bin" calendar --dump-days "$FIRST..$LAST" --json >"$dump"
"$venv/bin/python" "$ROOT/scripts/calendar-crosscheck.py" "$dump" "$FIRST" "$LAST"
