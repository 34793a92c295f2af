"""A Parley webhook receiver with nothing but the Python standard library.

Verifies the Standard Webhooks signature with the AI's whsec_ secret, refuses stale timestamps
(replays), dedupes on webhook-id (retries), and prints each verified event as one line:
`verified <type> <webhook-id> <body>`.

    PARLEY_WEBHOOK_SECRET=whsec_... PORT=9999 python3 receiver.py
"""

import base64
import collections
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024
MAX_REMEMBERED_IDS = 10_000

secret_text = os.environ.get("PARLEY_WEBHOOK_SECRET", "")
if not secret_text.startswith("whsec_"):
    sys.exit("Set PARLEY_WEBHOOK_SECRET to the AI webhook_secret (whsec_...).")
SECRET = base64.b64decode(secret_text[len("whsec_"):])

# Ids already handled, oldest first, so the oldest are forgotten first when it is full.
seen = collections.OrderedDict()
seen_lock = threading.Lock()


def rejection_of(headers, body):
    """Why the request is not a genuine, fresh Parley webhook, or None when it is."""
    webhook_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not webhook_id or not timestamp or not signatures:
        return "missing webhook-* headers"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "timestamp too old or too new"
    signed = b"%s.%s.%s" % (webhook_id.encode(), timestamp.encode(), body)
    expected = base64.b64encode(hmac.new(SECRET, signed, hashlib.sha256).digest()).decode()
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return None
    return "bad signature"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(length)
        rejection = rejection_of(self.headers, body)
        if rejection:
            print("rejected: " + rejection, file=sys.stderr, flush=True)
            self.send_response(401)
            self.end_headers()
            return
        webhook_id = self.headers["webhook-id"]
        with seen_lock:
            duplicate = webhook_id in seen
            if not duplicate:
                seen[webhook_id] = True
                if len(seen) > MAX_REMEMBERED_IDS:
                    seen.popitem(last=False)
        if not duplicate:
            event = json.loads(body)
            # Hand the event to your own code here (send event["reply"] to event["contact_email"], ...).
            print("verified %s %s %s" % (event["type"], webhook_id, body.decode()), flush=True)
        # A 2xx tells Parley it arrived; a duplicate is acknowledged so the retries stop.
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args):
        pass  # One line per event is printed above; no access log.


server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "9999"))), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("Listening on http://%s:%d/" % server.server_address[:2], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
