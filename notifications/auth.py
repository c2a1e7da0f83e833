"""Who is on the other end of a WebSocket: a browser session or an API token.

Browsers send the session cookie (channels' ``AuthMiddlewareStack``); apps send the same
``Authorization: Token …`` header as the REST API (DRF authtoken), which wins when present. A
browser always sends ``Origin`` with a WebSocket, and it must name one of our hosts, so another
site cannot open a socket with a visitor's cookie; clients outside a browser send no Origin.
"""
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _token_scope(key):
    """What a token header puts in the scope: its user (anonymous when the token may not be used),
    and the key and expiry the consumer re-checks for as long as the socket stays open."""
    from core.auth import token_expires_at, valid_token

    token = valid_token(key)
    if token is None:
        return {"user": AnonymousUser()}
    return {"user": token.user, "token_key": token.key, "credential_expires_at": token_expires_at(token)}


def token_from_headers(headers):
    from core.auth import token_key_from_header

    for name, value in headers:
        if name.lower() == b"authorization":
            return token_key_from_header(value.decode("latin1"))
    return None


class TokenAuthMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from an ``Authorization: Token …`` header (anonymous if it is wrong)."""

    async def __call__(self, scope, receive, send):
        key = token_from_headers(scope.get("headers", []))
        if key is not None:
            scope = dict(scope, **await _token_scope(key))
        return await super().__call__(scope, receive, send)


class BrowserOriginValidator(OriginValidator):
    """Refuses a browser's socket from another site; lets clients that send no Origin through."""

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)


def _allowed_origins():
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


def staff_or_token_auth(inner):
    """Origin check, then session, then token (a token header wins over a cookie)."""
    return BrowserOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(inner)), _allowed_origins())
