#!/usr/bin/python3
"""Opens a sealed form's webhook body as a case system would (issue 16):
the receiver of docs/delivery.md "Sealed forms", runnable.

  sealed_receiver.py SECRET_KEY_FILE < BODY

SECRET_KEY_FILE is an ID.secret file of `civicctl keygen` (its
"civic-seal-secret-key BASE64" line). Prints the opened answers, the JSON
an unsealed form's "data" would be, on one line; then, for each file the
body carries inline (files=inline), one JSON line
{"field","index","content_base64"} with the opened file's bytes.
Exits 1 with a sentence on stderr if the body does not open.

Debian's /usr/bin/python3 with python3-nacl.
"""
import base64
import json
import sys

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox


# --- as in docs/delivery.md "Sealed forms" (tests/delivery_sealed_payload.cpp checks) ---
def read_secret_key(path):  # the "civic-seal-secret-key BASE64" line of ID.secret
    line = next(l for l in open(path) if l.startswith("civic-seal-secret-key "))
    return PrivateKey(base64.b64decode(line.split()[1]))

def open_envelope(box, envelope):  # "CVSL", version 1, key id (8 bytes), sealed box
    if envelope[:4] != b"CVSL" or envelope[4] != 1:
        raise ValueError("not a civic sealed envelope of version 1")
    return box.decrypt(envelope[13:])
# ---


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sealed_receiver.py SECRET_KEY_FILE < BODY")
    try:
        box = SealedBox(read_secret_key(sys.argv[1]))
        sealed = json.load(sys.stdin)["sealed"]
        print(open_envelope(box, base64.b64decode(sealed["data"])).decode())
        for f in sealed["files"]:
            if "content_base64" in f:
                content = open_envelope(box, base64.b64decode(f["content_base64"]))
                print(json.dumps({"field": f["field"], "index": f["index"],
                                  "content_base64": base64.b64encode(content).decode()}))
    except StopIteration:
        print("sealed_receiver.py: " + sys.argv[1] + " has no civic-seal-secret-key line", file=sys.stderr)
        sys.exit(1)
    except (OSError, ValueError, KeyError, CryptoError) as e:
        print("sealed_receiver.py: " + (str(e) or type(e).__name__), file=sys.stderr)
        sys.exit(1)


main()
