"""The body limit's ASGI layer and its one answer: 413 before the body is read, in each door's shape.

(The socket layer, a real daphne process streaming a large upload, is in test_body_limit_server.py.)
"""
import json

import pytest

from core import body_limit
from core.body_limit import BodyLimitMiddleware, register_error_body, too_large_reply
from tests.notifications.aio import run_scenario  # its own thread: a browser test may hold a loop here

LIMIT = 1000


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.PAKN_REQUEST_MAX_BYTES = LIMIT


class RecordingApp:
    """An application that reads the whole body (as Django does) and answers 200."""

    def __init__(self):
        self.called = False
        self.body = b""

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def run(app, *, path="/api/v1/feedback/", headers=(), chunks=(b"",)):
    """Drive the middleware; returns (status, headers, body, how many body messages were read)."""
    pending = [{"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
               for i, chunk in enumerate(chunks)]
    read = []
    sent = []

    async def receive():
        message = pending.pop(0)
        read.append(message)
        return message

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path,
             "headers": [(k.encode(), v.encode()) for k, v in headers]}
    run_scenario(lambda: BodyLimitMiddleware(app)(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict((k.decode(), v.decode()) for k, v in start["headers"]), body, len(read)


def test_a_declared_length_over_the_limit_is_413_before_one_body_message_is_read():
    app = RecordingApp()
    status, headers, body, read = run(app, headers=[("content-length", str(LIMIT + 1))], chunks=[b"x" * 10] * 200)
    assert (status, read, app.called) == (413, 0, False)
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Dữ liệu gửi lên quá lớn (tối đa 1 MB).", "code": "too_large", "fields": {}}


def test_a_streamed_body_is_413_as_soon_as_it_passes_the_limit_and_the_rest_is_never_read():
    app = RecordingApp()
    status, _headers, body, read = run(app, chunks=[b"x" * 300] * 50)  # 15,000 bytes, no length
    assert status == 413
    assert read == 4  # 1,200 bytes passed the limit: the other 46 chunks were never asked for
    assert json.loads(body)["code"] == "too_large"


def test_a_body_within_the_limit_reaches_the_application_whole():
    app = RecordingApp()
    status, _headers, body, _read = run(app, chunks=[b"x" * 300, b"y" * 300])
    assert (status, body, app.body) == (200, b"ok", b"x" * 300 + b"y" * 300)


def test_the_answer_carries_the_security_headers_and_closes_the_connection():
    _status, headers, _body, _read = run(RecordingApp(), headers=[("content-length", "5000")])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Connection"] == "close"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_a_browser_posting_a_page_form_gets_the_page_in_its_language():
    status, headers, body, _read = run(RecordingApp(), path="/gui/", chunks=[b"x" * 2000], headers=[
        ("accept", "text/html,application/xhtml+xml"), ("cookie", "django_language=en")])
    assert status == 413
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "The submitted data is too large (maximum 1 MB)." in body.decode()
    assert '<html lang="en">' in body.decode()


def test_a_door_with_its_own_error_format_answers_in_it(monkeypatch):
    monkeypatch.setattr(body_limit, "_ERROR_BODIES", {})
    register_error_body("/open311/", lambda status, message, path, headers: (
        "application/json; charset=utf-8", json.dumps([{"code": status, "description": message}]).encode()))
    reply = too_large_reply("/open311/v2/requests.json", {})
    assert reply.status == 413
    assert json.loads(reply.body) == [{"code": 413, "description": "Dữ liệu gửi lên quá lớn (tối đa 1 MB)."}]
    assert json.loads(too_large_reply("/api/v1/feedback/", {}).body)["code"] == "too_large"


def test_websockets_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    run_scenario(lambda: BodyLimitMiddleware(app)({"type": "websocket", "path": "/ws/inbox/"}, None, None))
    assert seen == ["websocket"]
