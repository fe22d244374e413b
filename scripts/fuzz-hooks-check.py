#!/usr/bin/env python3
"""Checks scripts/fuzz_hooks.py before the fuzz run: every request the hooks build to succeed goes
out with its Authorization header.

schemathesis generates negative cases by leaving out the bearer token that an operation's security
scheme requires, and sends such a case without an Authorization header whatever a hook sets, unless
the request as the hooks leave it validates against the document (which makes the case positive).
So a request built from a case like that, with a body the document rejects, is answered 401
"missing Authorization". This generates positive and negative cases for every operation (a fixed
seed), lets the hooks' before_call build them against made-up state (no server is called), re-decides
each case's mode as schemathesis does after the hooks, and fails naming every operation whose
built request would go without the token.

usage: fuzz-hooks-check.py OPENAPI.json   (with scripts/ on PYTHONPATH, schemathesis installed)
"""

import collections
import os
import sys
import time
import types

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.transport.prepare import get_exclude_headers

os.environ.setdefault("SPOTCHECK_FUZZ_TOKEN", "check-token")
os.environ.setdefault("SPOTCHECK_FUZZ_TOKEN2", "check-token-2")
os.environ.setdefault("SPOTCHECK_FUZZ_TOKEN3", "check-token-3")
os.environ.pop("SPOTCHECK_FUZZ_UPLOADS_RUN", None)
os.environ.pop("SPOTCHECK_FUZZ_COUNTS", None)

import fuzz_hooks  # noqa: E402  (reads the environment above)

EXAMPLES = 30


class MadeUpState(dict):
    """What fuzz_hooks._setup makes through the API, made up: never runs out."""

    def get(self, key, default=None):
        if key in ("return_result", "amend_result", "withdraw_result"):
            return [("FZ-DRAFTS-NOW-0", "CHECK-TARGET")]
        if key in ("result", "approve_result", "proof"):
            return ["CHECK-TARGET"]
        if key == "report":
            return ["check-report"]
        return ["莆文旅罚〔2026〕CHECK0号"]

    def __getitem__(self, key):
        if key == "items_csv":
            root = os.environ.get("SPOTCHECK_FUZZ_FIXTURES", "fixtures")
            with open(os.path.join(root, "items", "tourism-items.csv"), "rb") as f:
                return f.read()
        return self.get(key)


def _check(operation, op: str, mode, built: collections.Counter, dropped: collections.Counter) -> None:
    """Counts the cases of `operation` in `mode` the hooks build, and those sent without the token."""

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        # As Case.call does around the before_call hooks.
        case._sync_validated_hashes()
        fuzz_hooks.before_call(None, case, {})
        if not (case.headers or {}).get(fuzz_hooks.MARK):
            return
        case._check_modifications()
        if case._meta is not None and case._meta.is_dirty():
            case._revalidate_metadata()
        built[op] += 1
        if any(h.lower() == "authorization" for h in get_exclude_headers(case)):
            dropped[op] += 1

    check()


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    # No server: plans are "made" by name, and nothing waits for a draw time.
    fuzz_hooks._fresh = lambda kind, at, commit, joint=False: f"FZ-{kind}-NOW-0"
    fuzz_hooks.time = types.SimpleNamespace(time=time.time, sleep=lambda _s: None)
    fuzz_hooks._state = MadeUpState()
    schema = schemathesis.openapi.from_path(sys.argv[1])
    built: collections.Counter = collections.Counter()
    dropped: collections.Counter = collections.Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        op = f"{operation.method.upper()} {operation.path}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _check(operation, op, mode, built, dropped)
            except Exception as e:  # an operation with nothing to vary in this mode
                if type(e).__name__ != "Unsatisfiable":
                    raise
    for op, n in sorted(dropped.items()):
        print(f"fuzz-hooks-check: {op}: {n} of {built[op]} built request(s) would go without Authorization",
              file=sys.stderr)
    if dropped:
        return 1
    print(f"fuzz-hooks-check: {sum(built.values())} built requests over {len(built)} operations, "
          "each with its Authorization header")
    return 0


if __name__ == "__main__":
    sys.exit(main())
