#!/usr/bin/env python3
"""A time-stamping authority on 127.0.0.1 for scripts/test.d/50-api-fuzz.sh (RFC 3161 over HTTP).

Makes a test PKI in DIR with the openssl command-line tool, as the Rust tests do
(functions/timestamp/tests/support): a root CA (RSA, the trust anchor, DIR/root.pem) and a
time-stamping authority under it (P-256, extendedKeyUsage critical timeStamping). Then answers
every `POST` (`application/timestamp-query`) with the `TimeStampResp` that `openssl ts -reply`
makes for it (`application/timestamp-reply`), one request at a time (openssl's serial file is not
shared safely). Prints the authority's URL on its first line of output once it listens.

usage: fuzz-tsa.py DIR
"""

import http.server
import itertools
import os
import subprocess
import sys
import threading

TSA_EXTENSIONS = """basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
"""

TS_CONFIG = """[ tsa ]
default_tsa = fuzz
[ fuzz ]
serial = {serial}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
tsa_name = yes
crypto_device = builtin
other_policies = 1.2.3.4.5
ordering = no
"""

MAX_QUERY = 64 * 1024


def openssl(d: str, *args: str) -> None:
    r = subprocess.run(["openssl", *args], cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"fuzz-tsa: openssl {' '.join(args)}: {r.stderr.strip()}")


def make_pki(d: str) -> None:
    openssl(d, "req", "-x509", "-nodes", "-days", "7300", "-subj", "/C=CN/O=spotcheck test/CN=spotcheck fuzz root",
            "-newkey", "rsa:2048", "-keyout", "root.key", "-out", "root.pem",
            "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    with open(os.path.join(d, "tsa.ext"), "w", encoding="ascii") as f:
        f.write(TSA_EXTENSIONS)
    openssl(d, "req", "-new", "-nodes", "-subj", "/C=CN/O=spotcheck test/CN=spotcheck fuzz TSA",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", "tsa.key", "-out", "tsa.csr")
    openssl(d, "x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
            "-days", "7000", "-extfile", "tsa.ext", "-out", "tsa.crt")
    with open(os.path.join(d, "tsa.serial"), "w", encoding="ascii") as f:
        f.write("01\n")
    with open(os.path.join(d, "tsa.cnf"), "w", encoding="ascii") as f:
        f.write(TS_CONFIG.format(serial=os.path.join(d, "tsa.serial")))


def serve(d: str) -> None:
    lock = threading.Lock()
    numbers = itertools.count()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server interface)
            n = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Content-Type") != "application/timestamp-query" or not 0 < n <= MAX_QUERY:
                self.send_error(400, "expected an application/timestamp-query body")
                return
            query = self.rfile.read(n)
            with lock:
                i = next(numbers)
                tsq, tsr = os.path.join(d, f"q{i}.tsq"), os.path.join(d, f"q{i}.tsr")
                with open(tsq, "wb") as f:
                    f.write(query)
                r = subprocess.run(["openssl", "ts", "-reply", "-config", "tsa.cnf", "-signer", "tsa.crt",
                                    "-inkey", "tsa.key", "-chain", "root.pem", "-queryfile", tsq, "-out", tsr],
                                   cwd=d, capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"fuzz-tsa: openssl ts -reply: {r.stderr.strip()}", file=sys.stderr, flush=True)
                    self.send_error(500, "openssl ts -reply failed")
                    return
                with open(tsr, "rb") as f:
                    reply = f.read()
                os.remove(tsq)
                os.remove(tsr)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/tsa", flush=True)
    server.serve_forever()


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: fuzz-tsa.py DIR")
    d = os.path.abspath(sys.argv[1])
    os.makedirs(d, exist_ok=True)
    make_pki(d)
    serve(d)


if __name__ == "__main__":
    main()
