#!/usr/bin/python3
"""An SMTP server for civic's tests: keeps every message it accepts.

  smtp_sink.py --dir DIR [--port N] [--port-file FILE]
               [--fail-first N] [--reject] [--control FILE]

Each accepted message is written to DIR as NNNN.eml (the bytes received, CRLF
line ends, dot-stuffing undone) with NNNN.json beside it: {"mail_from": ...,
"rcpt_tos": [...]}. The .json is written last: a test that sees it sees the
whole message. --port 0 (the default) takes a free loopback port and writes
it to --port-file. --fail-first N answers 451 to the first N messages,
--reject 550 to all, and --control FILE, read again for every message, says
"451", "550" or "ok". Plain SMTP only (no STARTTLS): tests relay on loopback.
Debian's /usr/bin/python3 with python3-aiosmtpd.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, args):
        self.dir = args.dir
        self.fail_first = args.fail_first
        self.reject = args.reject
        self.control = args.control
        self.seen = 0
        self.saved = 0

    def verdict(self):
        if self.control:
            try:
                with open(self.control, encoding="ascii") as f:
                    word = f.read().strip()
            except OSError:
                word = "ok"
            if word == "451":
                return "451 4.3.0 Try again later (control file)"
            if word == "550":
                return "550 5.7.1 Refused (control file)"
        if self.reject:
            return "550 5.7.1 Refused"
        if self.seen <= self.fail_first:
            return "451 4.3.0 Try again later"
        return None

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        refusal = self.verdict()
        if refusal:
            return refusal
        self.saved += 1
        base = os.path.join(self.dir, "%04d" % self.saved)
        content = envelope.original_content
        if content is None:
            content = envelope.content
        with open(base + ".eml.tmp", "wb") as f:
            f.write(content)
        os.rename(base + ".eml.tmp", base + ".eml")
        envelope_json = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(envelope_json, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Queued as %04d" % self.saved


async def serve(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    sink = Sink(args)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.invalid", decode_data=False, data_size_limit=64 << 20),
        sock=listener)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % listener.getsockname()[1])
        os.rename(tmp, args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--control")
    args = parser.parse_args()
    if args.port == 0 and not args.port_file:
        parser.error("--port 0 needs --port-file to tell where it listens")
    os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
