#!/usr/bin/python3
"""A webhook receiver for civic's tests (issue 14): records every POST and
checks its Standard Webhooks signature on its own, with Python's hmac.

  webhook_receiver.py --port 0 --port-file F --log L --secret-file S
                      [--status 200] [--fail-first N] [--delay SECONDS]
                      [--control C] [--tls-cert PEM --tls-key PEM]

--port N        listen on 127.0.0.1:N; 0 picks a free port
--port-file F   the port actually bound is written there once listening
--log L         one JSON line per request: time, path, peer (the client's
                port: one per connection), headers (lowercased names), body
                (text), status (what was answered), verified
                (the webhook-signature checked against --secret-file's key)
--secret-file S the "whsec_<base64>" secret the sender signs with
--status CODE   the answer (default 200)
--fail-first N  answer 503 to the first N deliveries of each webhook-id,
                then --status (a retried delivery keeps its webhook-id)
--delay SECONDS sleep before answering
--control C     if C exists, its "status=CODE" and "delay=SECONDS" words
                override --status and --delay; it is read again for every
                request, so a test changes behaviour without a restart
--tls-cert, --tls-key  serve HTTPS with this certificate and key

Debian's /usr/bin/python3 and its standard library only.
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import ssl
import sys
import threading
import time


def read_key(path):
    with open(path, encoding="ascii") as f:
        secret = f.read().strip()
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    return base64.b64decode(secret, validate=True)


def verified(key, headers, body):
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if key is None or not msg_id or not stamp or not signatures:
        return False
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # The header may carry several space-separated "version,signature" pairs.
    for pair in signatures.split(" "):
        version, _, signature = pair.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


def overrides(path):
    found = {}
    if not path:
        return found
    try:
        with open(path, encoding="utf-8") as f:
            words = f.read().split()
    except FileNotFoundError:
        return found
    for word in words:
        name, _, value = word.partition("=")
        if name == "status":
            found["status"] = int(value)
        elif name == "delay":
            found["delay"] = float(value)
    return found


def main():
    ap = argparse.ArgumentParser(description="civic's test webhook receiver")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--secret-file")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--control")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()

    key = read_key(args.secret_file) if args.secret_file else None
    lock = threading.Lock()
    seen = {}  # webhook-id -> deliveries so far
    log = open(args.log, "a", encoding="utf-8") if args.log else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self):
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            ctl = overrides(args.control)
            status = ctl.get("status", args.status)
            delay = ctl.get("delay", args.delay)
            with lock:
                msg_id = headers.get("webhook-id", "")
                seen[msg_id] = seen.get(msg_id, 0) + 1
                if seen[msg_id] <= args.fail_first:
                    status = 503
            if delay > 0:
                time.sleep(delay)
            record = {
                "time": time.time(),
                "path": self.path,
                "peer": self.client_address[1],
                "headers": headers,
                "body": body.decode("utf-8", errors="replace"),
                "status": status,
                "verified": verified(key, headers, body),
            }
            if log:
                with lock:
                    log.write(json.dumps(record) + "\n")
                    log.flush()
            answer = b"ok\n" if 200 <= status < 300 else b"refused by the test receiver\n"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, fmt, *a):
            pass  # the --log file is the record

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 256  # a burst of connections (the default 5 drops some)

        def handle_error(self, request, client_address):
            # A sender that gave up (its timeout) is a test's doing, not ours.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    if args.port_file:
        # Written whole, then renamed: a reader never sees half a number.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(str(server.server_address[1]) + "\n")
        os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
