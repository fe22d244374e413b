#!/usr/bin/env python3
"""DynamoDB requests and write units per store operation, for the cost table in docs/operations.md.

    dynamodb-requests.py serve PORT LOG   moto's server, single-threaded as in scripts/lib/moto.sh,
                                          logging every DynamoDB request to LOG (JSON lines: operation,
                                          status, key kinds and sizes of the items written)
    dynamodb-requests.py summary LOG      the successful writes grouped by the kinds of items they
                                          carry, with their write request units (WRU)

Run by scripts/dynamodb-requests.sh. Sizes are DynamoDB's: attribute names plus values.
"""
import io
import json
import math
import sys
from collections import Counter, defaultdict


def value_size(v):
    ((t, x),) = v.items()
    if t in ("S", "N"):
        return len(x.encode())
    if t == "B":
        return len(x) * 3 // 4  # base64 in the request
    if t in ("BOOL", "NULL"):
        return 1
    if t in ("SS", "NS"):
        return sum(len(i.encode()) for i in x)
    if t == "M":
        return 3 + sum(len(k.encode()) + value_size(w) for k, w in x.items())
    if t == "L":
        return 3 + sum(1 + value_size(w) for w in x)
    return len(json.dumps(x))


def item_size(item):
    return sum(len(k.encode()) + value_size(v) for k, v in item.items())


def kind(item):
    """`PLAN/COMMITMENT` for PK `PLAN#…`, SK `COMMITMENT`: the entity, without ids."""
    pk = item.get("PK", {}).get("S", "?")
    sk = item.get("SK", {}).get("S", "?")
    return pk.split("#")[0] + "/" + sk.split("#")[0]


def written(op, body):
    """(kind, size) of every item a write request carries; condition checks have size 0."""
    out = []
    if op == "PutItem":
        out.append((kind(body["Item"]), item_size(body["Item"])))
    elif op == "BatchWriteItem":
        for requests in body.get("RequestItems", {}).values():
            for r in requests:
                if "PutRequest" in r:
                    item = r["PutRequest"]["Item"]
                    out.append((kind(item), item_size(item)))
    elif op == "TransactWriteItems":
        for t in body.get("TransactItems", []):
            if "Put" in t:
                out.append((kind(t["Put"]["Item"]), item_size(t["Put"]["Item"])))
            for other in ("ConditionCheck", "Update", "Delete"):
                if other in t:
                    out.append((f"{kind(t[other]['Key'])} ({other})", 0))
    return out


class Logging:
    """WSGI middleware: one JSON line per DynamoDB request."""

    def __init__(self, app, log):
        self.app = app
        self.log = log

    def __call__(self, environ, start_response):
        op = environ.get("HTTP_X_AMZ_TARGET", "").split(".")[-1]
        n = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(n) if n else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        record = {"op": op}

        def start(status, headers, exc_info=None):
            record["status"] = status.split()[0]
            return start_response(status, headers, exc_info)

        data = b"".join(self.app(environ, start))
        if op:
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            record["writes"] = written(op, body)
            record["consistent"] = bool(body.get("ConsistentRead"))
            record["response_bytes"] = len(data)
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()
        return [data]


def serve(port, log):
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    app = Logging(DomainDispatcherApplication(create_backend_app), open(log, "a"))
    run_simple("127.0.0.1", int(port), app, threaded=False, request_handler=MotoRequestHandler)


def summary(log):
    records = [json.loads(line) for line in open(log)]
    print("requests:", dict(Counter(f"{r['op']} {r['status']}" for r in records)))
    groups = defaultdict(list)
    for r in records:
        if r["status"] != "200" or not r["writes"]:
            continue
        # On demand: 2 WRU per KB of each item in a transaction (a condition check: 2), 1 WRU per KB
        # of each item otherwise.
        per_kb = 2 if r["op"] == "TransactWriteItems" else 1
        wru = sum(
            2 if k.endswith("(ConditionCheck)") else per_kb * max(1, math.ceil(size / 1024))
            for k, size in r["writes"]
        )
        kinds = ", ".join(sorted({k for k, _ in r["writes"]}))
        groups[(r["op"], kinds)].append(wru)
    print(f"{'count':>5}  {'WRU':>7}  request: item kinds")
    for (op, kinds), wrus in sorted(groups.items(), key=lambda g: -len(g[1])):
        span = str(min(wrus)) if min(wrus) == max(wrus) else f"{min(wrus)}-{max(wrus)}"
        print(f"{len(wrus):>5}  {span:>7}  {op}: {kinds}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"] and len(sys.argv) == 4:
        serve(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["summary"] and len(sys.argv) == 3:
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
