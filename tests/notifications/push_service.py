"""A Web Push service on 127.0.0.1 for tests, and a browser's side of a subscription.

``PushService`` records every push it receives (path, headers, body) and answers with the statuses
a test scripts (201 by default), like FCM or Mozilla's autopush would: 410 for a browser that
unsubscribed, 500 while it is down. ``BrowserKeys`` is what a browser keeps when it subscribes:
an ECDH P-256 key pair and a 16-byte auth secret; it decrypts a received body (aes128gcm, RFC
8291) with the ``http_ece`` package, as the browser does before firing its ``push`` event.
"""
import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BrowserKeys:
    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def p256dh(self):
        return b64url(self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                                 serialization.PublicFormat.UncompressedPoint))

    def subscription(self, endpoint):
        """What ``PushSubscription.toJSON()`` gives in a browser."""
        return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, body):
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth,
                                           version="aes128gcm"))


class PushService:
    def __init__(self, port=0):
        self.received = []
        self.answers = []
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with service._lock:
                    status = service.answers.pop(0) if service.answers else 201
                    service.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                             "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, name):
        return f"http://127.0.0.1:{self.port}/wpush/v2/{name}"

    def delivered(self, path_name=None):
        """The pushes it accepted (201), optionally only those to one browser."""
        return [push for push in self.received if push["status"] == 201
                and (path_name is None or push["path"].endswith(f"/{path_name}"))]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def vapid_claims(authorization, public_key):
    """The JWT claims of a ``vapid t=…,k=…`` header after checking its signature and its key."""
    assert Vapid.verify(authorization), "the VAPID signature does not verify"
    parts = dict(item.split("=", 1) for item in authorization.split(" ", 1)[1].split(","))
    assert parts["k"] == public_key
    claims = parts["t"].split(".")[1]
    return json.loads(b64url_decode(claims))
