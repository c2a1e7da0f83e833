import logging
import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over the limit with 413 before anything reads it.

    Django's own limits raise inside the view (and only for in-memory data); a phone uploading
    60 MB of photos should hear "too large" at once, in the API's error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PAKN_REQUEST_MAX_BYTES
        if length > limit:
            message = _("Dữ liệu gửi lên quá lớn (tối đa %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
            if _wants_html(request):
                return render(request, "413.html", {"message": message}, status=413)
            return JsonResponse({"message": message, "code": "too_large", "fields": {}}, status=413)
        return self.get_response(request)


def _wants_html(request):
    """A browser posting a page's form gets a page; API clients get the API's error shape."""
    return not request.path.startswith("/api/") and "text/html" in request.META.get("HTTP_ACCEPT", "")


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
