import logging
import time

from django.http import HttpResponse

from core.body_limit import declared_length, request_limit, too_large_reply


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over the limit with 413 before anything reads it.

    The Django layer of ``core.body_limit`` (WSGI and the test client; under ASGI the server and
    the ASGI middleware have refused it already), with the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length({"content-length": request.META.get("CONTENT_LENGTH") or ""})
        if length is not None and length > request_limit():
            headers = {"accept": request.META.get("HTTP_ACCEPT", ""),
                       "accept-language": request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
                       "cookie": request.META.get("HTTP_COOKIE", "")}
            reply = too_large_reply(request.path, headers, request=request)
            return HttpResponse(reply.body, content_type=reply.content_type, status=reply.status)
        return self.get_response(request)


access_log = logging.getLogger("pakn.access")


class AccessLogMiddleware:
    """One line per request, without the query string: a private link carries its key there.

    The ASGI server's own access log is turned off (``daphne --access-log /dev/null``) because it
    writes whole URLs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000)
        access_log.info("%s %s %s %dms", request.method, request.path, response.status_code, duration_ms,
                        extra={"method": request.method, "path": request.path,
                               "status": response.status_code, "duration_ms": duration_ms})
        return response
