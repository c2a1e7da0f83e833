from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.conf import settings


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
            return JsonResponse({"message": message, "code": "too_large", "fields": {}}, status=413)
        return self.get_response(request)
