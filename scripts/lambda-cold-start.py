#!/usr/bin/env python3
"""Cold start of each spotcheck Lambda function against a local Lambda Runtime API.

A small stand-in for the Runtime API (the 2018-06-01 interface: `invocation/next`,
`invocation/{id}/response`, `invocation/{id}/error`, `init/error`) runs on 127.0.0.1. For each
function the script spawns its `bootstrap` with the environment Lambda gives it, and measures

* init: process start to the function's first `GET /runtime/invocation/next` (what Lambda reports
  as "Init Duration": configuration read, clients and router built);
* first event: process start to the answer (response or error) to the first event it is given.

Every event is one that the function handles without any network: API Gateway events the router
answers before the store or the bucket (a public path with no route, a request without the authorizer's
claims, `GET /api/me`), an EventBridge event of another bucket for the importer. The publisher
reads the table for every event, so it has no store-free one: its table endpoint is a closed port on
127.0.0.1 and its event ends in the store's error after the adapter's retries (about 40 s); the
benchmark gives its init only, and `--check` waits for that error.

    scripts/lambda-cold-start.py [--runs N] [--check] [--dir DIR]

`--dir` holds `<function>/bootstrap` (cargo lambda's layout, target/lambda) or the binaries by name
(target/release). `--check` runs each function once and fails unless it started and answered its
event as expected (no timing is checked). Prints one line per function; exits 1 on a failure.
"""

import argparse
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "fixtures" / "events"
# Functions whose every event reads the table or the bucket.
NO_STORE_FREE_EVENT = {"spotcheck-publisher"}
FUNCTIONS = ["inspector-api", "public-api", "upload-api", "spotcheck-importer", "spotcheck-publisher"]


def api_event(name, path, claims=True):
    """A fixture API Gateway event, sent to `path` (GET), with or without the authorizer's claims."""
    ev = json.loads((EVENTS / name).read_text())
    ev["rawPath"] = path
    ev["routeKey"] = f"GET {path}"
    ev["body"] = None
    ev["isBase64Encoded"] = False
    ev["requestContext"]["http"]["method"] = "GET"
    ev["requestContext"]["http"]["path"] = path
    ev.get("headers", {}).pop("content-type", None)
    if not claims:
        ev["requestContext"].pop("authorizer", None)
    return ev


def events():
    """Per function: the event, and what its answer must show (status code, or an error)."""
    importer = json.loads((EVENTS / "s3-object-created.json").read_text())
    upload = "/api/registries/guides/uploads/0123456789abcdef0123456789abcdef"
    return {
        "inspector-api": (api_event("inspector-me.json", "/api/me"), ("status", 200)),
        "public-api": (api_event("public-get-plan.json", "/api/public/no-such-page"), ("status", 404)),
        "upload-api": (api_event("inspector-me.json", upload, claims=False), ("status", 401)),
        # The configured bucket is another one: refused before any S3 request.
        "spotcheck-importer": (importer, ("error", "event refused")),
        "spotcheck-publisher": ({"source": "aws.events", "detail-type": "Scheduled Event"}, ("error", "store")),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Runtime:
    """One function's Runtime API: hands out `event` once, records the times of the first `next`
    and of the answer (monotonic seconds), then holds further `next` requests."""

    def __init__(self, event):
        self.event = json.dumps(event).encode()
        self.request_id = str(uuid.uuid4())
        self.first_next = None
        self.answered = None
        self.answer = None
        self.given = False
        self.done = threading.Event()
        runtime = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, code, body=b"", headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._reply(404)
                now = time.monotonic()
                if runtime.first_next is None:
                    runtime.first_next = now
                if runtime.event is None:
                    # Init only: the run ends at the first request for an event.
                    runtime.done.set()
                    self.close_connection = True
                    return None
                if runtime.given:
                    # The function waits here for its next event until the run ends.
                    runtime.done.wait(30)
                    self.close_connection = True
                    return None
                runtime.given = True
                deadline = int((time.time() + 60) * 1000)
                self._reply(200, runtime.event, [
                    ("Content-Type", "application/json"),
                    ("Lambda-Runtime-Aws-Request-Id", runtime.request_id),
                    ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:bench"),
                    ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000"),
                ])

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                kind = self.path.rsplit("/", 1)[-1]
                if runtime.answered is None and kind in ("response", "error"):
                    runtime.answered = time.monotonic()
                    runtime.answer = (kind, body)
                    runtime.done.set()
                self._reply(202, b"{}", [("Content-Type", "application/json")])

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # the function is killed while it waits for its next event

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.done.set()
        self.server.shutdown()
        self.server.server_close()


def environment(function, runtime_address, closed_port):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": runtime_address,
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "RUST_LOG": "warn",
        # Every AWS endpoint is a closed local port: nothing leaves the machine.
        "SPOTCHECK_TABLE": "spotcheck-bench",
        "SPOTCHECK_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{closed_port}",
        "SPOTCHECK_UPLOAD_BUCKET": "another-bucket",
        "SPOTCHECK_PLAN_KEY": "arn:aws:kms:us-east-1:000000000000:key/bench",
        "SPOTCHECK_KMS_ENDPOINT": f"http://127.0.0.1:{closed_port}",
        "SPOTCHECK_MASTER_KEY": "ab" * 32,
        "SPOTCHECK_SITE_BUCKET": "site-bench",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed_port}",
    }
    return env


def binary(directory, function):
    for p in (directory / function / "bootstrap", directory / function):
        if p.is_file():
            return p
    return None


def run_once(path, function, event, closed_port, timeout=20.0, init_only=False):
    rt = Runtime(event)
    if init_only:
        rt.event = None
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(path)],
        env=environment(function, rt.address, closed_port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        rt.done.wait(timeout)
    finally:
        proc.kill()
        _, err = proc.communicate()
        rt.close()
    init = None if rt.first_next is None else (rt.first_next - start) * 1000
    handled = None if rt.answered is None else (rt.answered - start) * 1000
    return init, handled, rt.answer, err.decode(errors="replace")


def verdict(answer, expected):
    """None when the answer is what the event should get, else what is wrong."""
    if answer is None:
        return "no answer to the event"
    kind, body = answer
    want_kind, want = expected
    if want_kind == "status":
        if kind != "response":
            return f"an error instead of status {want}: {body[:300]!r}"
        try:
            status = json.loads(body).get("statusCode")
        except ValueError:
            return f"not an API Gateway response: {body[:300]!r}"
        return None if status == want else f"status {status}, expected {want}: {body[:300]!r}"
    if kind != "error":
        return f"a response instead of an error: {body[:300]!r}"
    return None if want.encode() in body else f"error without {want!r}: {body[:300]!r}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--check", action="store_true", help="one run each, fail on a wrong answer")
    ap.add_argument("--dir", default=str(ROOT / "target" / "lambda"))
    args = ap.parse_args()
    directory = Path(args.dir)
    runs = 1 if args.check else args.runs
    closed = free_port()
    failed = False
    print(f"{'function':<22} {'size':>8}  {'init median (min-max)':>26}  {'first event median':>18}  answer")
    for function, (event, expected) in events().items():
        path = binary(directory, function)
        if path is None:
            print(f"{function:<22} FAILED: no binary under {directory}")
            failed = True
            continue
        inits, handled, problem, answer, err = [], [], None, None, ""
        init_only = function in NO_STORE_FREE_EVENT and not args.check
        timeout = 90.0 if function in NO_STORE_FREE_EVENT else 20.0
        for _ in range(runs):
            i, h, answer, err = run_once(path, function, event, closed, timeout, init_only)
            if i is None:
                problem = "never asked for an event"
            elif not init_only:
                problem = verdict(answer, expected)
            if problem:
                break
            inits.append(i)
            if h is not None:
                handled.append(h)
        size = path.stat().st_size / 1e6
        if problem:
            failed = True
            print(f"{function:<22} {size:6.1f} MB  FAILED: {problem}")
            tail = err.strip().splitlines()[-5:]
            for line in tail:
                print(f"    {line}")
            continue
        what = "error" if expected[0] == "error" else f"status {expected[1]}"
        first = f"{statistics.median(handled):15.1f} ms" if handled else f"{'-':>18}"
        if init_only:
            what = "init only (every event reads the table)"
        print(
            f"{function:<22} {size:6.1f} MB  {statistics.median(inits):8.1f} ms ({min(inits):.1f}-{max(inits):.1f})"
            f"  {first}  {what}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
