#!/usr/bin/env python3
"""Prints schemathesis's answers per operation (2xx / 3xx / 4xx / 5xx, summed over the runs' count
files that scripts/fuzz_hooks.py wrote) and fails on any 5xx, or on any operation of the OpenAPI
document that never got a 2xx.

usage: fuzz-summary.py OPENAPI.json COUNTS.json [COUNTS.json ...]
"""

import json
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    counts: dict[str, dict[str, int]] = {}
    for path in sys.argv[2:]:
        for op, per in json.load(open(path, encoding="utf-8")).items():
            total = counts.setdefault(op, {})
            for cls, n in per.items():
                total[cls] = total.get(cls, 0) + n
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
            failures.append(f"{op}: no 2xx in {sum(n.values())} call(s)")
            note = "  <- no 2xx"
        print(f"{op:<{width}}  {n['2xx']:>5} {n['3xx']:>5} {n['4xx']:>5} {n['5xx']:>5}{note}")
    for op in sorted(set(counts) - set(ops)):
        print(f"(not in the document) {op}: {counts[op]}")
    if failures:
        print("\nfuzz-summary: FAILED", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"\nfuzz-summary: {len(ops)} operations, every one with a 2xx, no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
