"""daphne with request bodies bounded at the socket: how PAKN's ASGI workers are started.

    .venv/bin/python -m config.server -b 0.0.0.0 -p 8000 --access-log /dev/null config.asgi:application

Same arguments as the ``daphne`` command. Plain daphne (Twisted underneath) reads a whole request
body, however large, into a buffer before the application sees a byte, and then queues it all at
once for the application: a 200 MB chunked upload costs 200 MB of memory, and a declared
Content-Length over the limit is refused only after everything has arrived; Twisted also parses
every multipart body a second time in memory, and answers a malformed one with a bare 400 that
has no body and no headers. Here the request
counts the bytes as they come off the socket (``BoundedRequest``): over ``PAKN_REQUEST_MAX_BYTES``
it answers 413 at once (``core.body_limit.too_large_reply``, in the door's own error shape),
stores nothing more, reads and drops what the client is still sending for a short while so that
the client gets to read the answer, and then closes the connection.
"""
import logging
import sys
from io import BytesIO
from urllib.parse import unquote, urlsplit

# daphne.server installs Twisted's asyncio reactor: import it before anything touches the reactor.
from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from daphne.server import Server

access_log = logging.getLogger("pakn.access")

# After refusing, keep reading (and dropping) the rest of the upload while it keeps coming, so a
# client that sends everything before reading (most HTTP libraries) still sees the 413; close
# after this long without data, or at the latest after LINGER_MAX_SECONDS.
LINGER_IDLE_SECONDS = 5
LINGER_MAX_SECONDS = 30
REASON = b"Payload Too Large"


class BoundedRequest(WebRequest):
    """daphne's HTTP request, refusing a body over the limit while it is still arriving."""

    _refused = False
    _received = 0
    _linger_timer = None
    _linger_until = 0.0

    def __init__(self, *args, **kwargs):
        # Twisted would also parse every multipart or form body into ``request.args``: a second
        # copy of the whole upload in memory that nothing under ASGI reads, and a bare 400 with
        # no body when the multipart is malformed. Django parses the body (and answers errors).
        kwargs.setdefault("parsePOSTFormSubmission", False)
        super().__init__(*args, **kwargs)

    def gotLength(self, length):
        from core.body_limit import request_limit

        if length is not None and length > request_limit():
            self.content = BytesIO()  # stays empty: not one byte of this body is kept
            self._refuse(length)
            return
        super().gotLength(length)

    def handleContentChunk(self, data):
        from core.body_limit import request_limit

        if self._refused:
            self._linger()
            return
        self._received += len(data)
        if self._received > request_limit():
            self.content.close()
            self.content = BytesIO()
            self._refuse(self._received)
            return
        super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if self._refused:  # the client finished sending what we dropped: the answer is out
            self._close()
            return
        super().requestReceived(command, path, version)

    def connectionLost(self, reason):
        if self._linger_timer is not None and self._linger_timer.active():
            self._linger_timer.cancel()
        super().connectionLost(reason)

    # --- refusing ---------------------------------------------------------------------------

    def _refuse(self, size):
        from core.body_limit import too_large_reply

        self._refused = True
        # Twisted answers "Expect: 100-continue" right after gotLength: not after our 413.
        self.requestHeaders.removeHeader(b"expect")
        path = self._target_path()
        reply = too_large_reply(path, self._header_map())
        head = [b"HTTP/1.1 413 " + REASON]
        head += [name + b": " + value for name, value in reply.header_pairs()]
        self.channel.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + reply.body)
        access_log.info("%s %s 413 refused at %d bytes", self._method(), path, size)
        self._linger()

    def _target_path(self):
        # The request line is parsed, but Twisted hands it to the request only once the body
        # is complete: read it from the channel meanwhile.
        target = getattr(self.channel, "_path", b"/") or b"/"
        return unquote(urlsplit(target.decode("latin1")).path) or "/"

    def _method(self):
        return (getattr(self.channel, "_command", b"") or b"").decode("latin1")

    def _header_map(self):
        return {name.decode("latin1").lower(): b",".join(values).decode("latin1")
                for name, values in self.requestHeaders.getAllRawHeaders()}

    def _linger(self):
        from twisted.internet import reactor

        now = reactor.seconds()
        if self._linger_timer is None:
            self._linger_until = now + LINGER_MAX_SECONDS
            self._linger_timer = reactor.callLater(LINGER_IDLE_SECONDS, self._close)
        elif self._linger_timer.active() and now < self._linger_until:
            self._linger_timer.reset(LINGER_IDLE_SECONDS)

    def _close(self):
        if self._linger_timer is not None and self._linger_timer.active():
            self._linger_timer.cancel()
        if self.channel is not None and self.channel.transport is not None:
            self.channel.transport.loseConnection()


class BoundedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = BoundedRequest
        return protocol


class BoundedServer(Server):
    """daphne's server with ``BoundedHTTPFactory``.

    ``Server.run`` builds its HTTP factory inline (``self.http_factory = HTTPFactory(self)``)
    and starts listening right after; the property swaps ours in as it is assigned.
    """

    @property
    def http_factory(self):
        return self._bounded_http_factory

    @http_factory.setter
    def http_factory(self, _daphne_factory):
        self._bounded_http_factory = BoundedHTTPFactory(self)


class CommandLine(CommandLineInterface):
    server_class = BoundedServer


if __name__ == "__main__":
    sys.exit(CommandLine.entrypoint())
