"""Request bodies are bounded before anyone buffers them, and refused in each door's own error shape.

One limit (``PAKN_REQUEST_MAX_BYTES``) and one answer (:func:`too_large_reply`) serve three layers:

1. ``config/server.py`` (how PAKN runs daphne): the HTTP request counts body bytes as they come
   off the socket. A declared ``Content-Length`` over the limit is answered 413 before one body
   byte is read; a chunked body is answered 413 the moment its running total passes the limit.
   The rest of the upload is read and thrown away (never stored) for a short while, so the
   client still reads the answer, and then the connection is closed.
2. :class:`BodyLimitMiddleware` (ASGI, wrapped around Django in ``config/asgi.py``): the same rule
   on the ``http.request`` messages, for any ASGI server (and a second line under daphne).
3. ``core.middleware.RequestBodyLimitMiddleware`` (Django): WSGI and the test client.

The answer is the API's JSON error shape under ``/api/``, a page in the site's layout for a
browser, JSON otherwise. A door with its own error format registers it once with
:func:`register_error_body` from its ``AppConfig.ready`` (Open311 does, for ``/open311/``).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

# path prefix -> render(status, message, path, headers) -> (content type, body bytes)
ErrorBodyRenderer = Callable[[int, str, str, Mapping[str, str]], "tuple[str, bytes]"]
_ERROR_BODIES: dict[str, ErrorBodyRenderer] = {}


def register_error_body(prefix: str, render: ErrorBodyRenderer) -> None:
    """Let a door answer the server's own refusals (413) in its documented format.

    ``render(status, message, path, headers)`` gets the request's path and headers (lower-case
    names) and returns ``(content_type, body)``; it must not touch the database (it may run in the
    server's event loop, before the request reaches Django).
    """
    _ERROR_BODIES[prefix] = render


def request_limit() -> int:
    return settings.PAKN_REQUEST_MAX_BYTES


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    def header_pairs(self) -> list[tuple[bytes, bytes]]:
        """Headers for a reply written outside Django's middleware: type, length, the security
        headers Django would have added, and a close (the unread body must not become a request)."""
        headers = {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": settings.SECURE_REFERRER_POLICY or "same-origin",
            "Connection": "close",
        }
        policy = content_security_policy()
        if policy:
            headers["Content-Security-Policy"] = policy
        return [(name.encode("latin1"), value.encode("latin1")) for name, value in headers.items()]


def content_security_policy() -> str:
    """The site's policy as a header value (django-csp's own builder), or "" when none is set."""
    if not getattr(settings, "CONTENT_SECURITY_POLICY", None):
        return ""
    from csp.utils import build_policy

    return build_policy()


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The Content-Length as a number; None when absent or unreadable (the parser refuses those)."""
    try:
        return int(headers.get("content-length", ""))
    except ValueError:
        return None


def too_large_message() -> str:
    megabytes = max(request_limit() // (1024 * 1024), 1)
    return _("Dữ liệu gửi lên quá lớn (tối đa %(mb)d MB).") % {"mb": megabytes}


def _language(headers: Mapping[str, str]) -> str:
    """The reader's language without a request: the language cookie, then Accept-Language."""
    supported = {code for code, _name in settings.LANGUAGES}
    candidates = []
    for part in headers.get("cookie", "").split(";"):
        name, _eq, value = part.strip().partition("=")
        if name == settings.LANGUAGE_COOKIE_NAME:
            candidates.append(value)
    candidates += [lang for lang, _q in parse_accept_lang_header(headers.get("accept-language", ""))]
    for lang in candidates:
        base = lang.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


def wants_html(path: str, headers: Mapping[str, str]) -> bool:
    """A browser posting a page's form gets a page; API clients get the API's error shape."""
    return not path.startswith("/api/") and "text/html" in headers.get("accept", "")


def too_large_reply(path: str, headers: Mapping[str, str], *, request=None) -> Reply:
    """The 413 for a request to ``path`` with these (lower-case) headers, in its door's shape.

    ``request``, when there is one (the Django layer), lets the page use the usual context.
    """
    with translation.override(_language(headers)):
        message = too_large_message()
        for prefix, render in _ERROR_BODIES.items():
            if path.startswith(prefix):
                content_type, body = render(413, message, path, headers)
                return Reply(413, content_type, body)
        if wants_html(path, headers):
            context = {"message": message, "SITE_NAME": settings.PAKN_SITE_NAME}
            return Reply(413, "text/html; charset=utf-8", render_to_string("413.html", context, request).encode())
        body = {"message": message, "code": "too_large", "fields": {}}
        return Reply(413, "application/json", json.dumps(body, ensure_ascii=False).encode())


# --- the ASGI layer ---------------------------------------------------------------------------

class BodyTooLarge(Exception):
    """Raised from ``receive`` inside the application once the body passes the limit."""


def scope_headers(scope) -> dict[str, str]:
    return {name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])}


async def send_reply(send, reply: Reply) -> None:
    await send({"type": "http.response.start", "status": reply.status, "headers": reply.header_pairs()})
    await send({"type": "http.response.body", "body": reply.body})


class BodyLimitMiddleware:
    """ASGI: 413 at once for a declared length over the limit; for a streamed (chunked) body, 413
    as soon as the bytes received pass it, without asking for the rest."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = scope_headers(scope)
        limit = request_limit()
        declared = declared_length(headers)
        if declared is not None and declared > limit:
            return await send_reply(send, too_large_reply(scope["path"], headers))
        received = 0
        started = False

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, watched_send)
        except BodyTooLarge:
            if started:  # the application answered before reading everything: nothing to add
                return
            await send_reply(send, too_large_reply(scope["path"], headers))
