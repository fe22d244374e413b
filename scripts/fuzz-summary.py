#!/usr/bin/env python3
"""Prints schemathesis's answers per operation (2xx / 4xx / 5xx) and fails on any 5xx, or on any
operation of the OpenAPI document that never got a 2xx (unless listed in NO_2XX_HERE with why).

usage: fuzz-summary.py COUNTS.json OPENAPI.json
"""

import json
import sys

# Operations that cannot succeed against `spotcheck serve` by design.
NO_2XX_HERE = {
    "POST /api/registries/{kind}/uploads": "large uploads need the AWS upload bucket (404 large-uploads-unavailable locally)",
    "GET /api/registries/{kind}/uploads/{upload_id}": "large uploads need the AWS upload bucket (404 large-uploads-unavailable locally)",
}


def main() -> int:
    counts = json.load(open(sys.argv[1], encoding="utf-8"))
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
    ops = sorted(
        f"{m.upper()} {p}"
        for p, item in doc.get("paths", {}).items()
        for m in item
        if m in ("get", "post", "put", "patch", "delete")
    )
    width = max(len(o) for o in ops)
    print(f"{'operation':<{width}}  {'2xx':>5} {'3xx':>5} {'4xx':>5} {'5xx':>5}")
    failures = []
    for op in ops:
        c = counts.get(op, {})
        n = {k: c.get(k, 0) for k in ("2xx", "3xx", "4xx", "5xx")}
        note = ""
        if n["5xx"]:
            failures.append(f"{op}: {n['5xx']} server error(s)")
            note = "  <- 5xx"
        elif not n["2xx"]:
            if op in NO_2XX_HERE:
                note = f"  (no 2xx here: {NO_2XX_HERE[op]})"
            else:
                failures.append(f"{op}: no 2xx in {sum(n.values())} call(s)")
                note = "  <- no 2xx"
        print(f"{op:<{width}}  {n['2xx']:>5} {n['3xx']:>5} {n['4xx']:>5} {n['5xx']:>5}{note}")
    for op in sorted(set(counts) - set(ops)):
        print(f"(not in the document) {op}: {counts[op]}")
    if failures:
        print("\nfuzz-summary: FAILED", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"\nfuzz-summary: {len(ops)} operations, every one with a 2xx (or listed), no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
