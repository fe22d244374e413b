#!/usr/bin/env python3
"""Prints schemathesis's answers per operation (2xx / 3xx / 4xx / 5xx, summed over the runs' count
files that scripts/fuzz_hooks.py wrote) and fails on any 5xx, on any operation of the OpenAPI
document that never got a 2xx, and on any 401 to a request the hooks built to succeed (they send it
with a valid token, so a 401 means the token never reached the server).

usage: fuzz-summary.py OPENAPI.json COUNTS.json [COUNTS.json ...]
"""

import json
import sys

# The count fuzz_hooks.py keeps per operation of 401s to requests it built to succeed.
UNAUTHENTICATED = "401 built"


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
        notes = []
        if n["5xx"]:
            failures.append(f"{op}: {n['5xx']} server error(s)")
            notes.append("5xx")
        elif not n["2xx"]:
            failures.append(f"{op}: no 2xx in {sum(n.values())} call(s)")
            notes.append("no 2xx")
        if c.get(UNAUTHENTICATED):
            failures.append(
                f"{op}: {c[UNAUTHENTICATED]} request(s) built to succeed answered 401 (sent without the token)"
            )
            notes.append("401 to a built request")
        note = f"  <- {', '.join(notes)}" if notes else ""
        print(f"{op:<{width}}  {n['2xx']:>5} {n['3xx']:>5} {n['4xx']:>5} {n['5xx']:>5}{note}")
    for op in sorted(set(counts) - set(ops)):
        print(f"(not in the document) {op}: {counts[op]}")
    if failures:
        print("\nfuzz-summary: FAILED", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"\nfuzz-summary: {len(ops)} operations, every one with a 2xx, no 5xx, no 401 to a built request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
