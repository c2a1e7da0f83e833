"""Every error under /open311/ in Open311's format, including those no Open311 view made.

Open311's views answer their own errors. What happens around them (an unknown path or format
(404), a body over the limit refused by ``core.middleware`` (413), a method the URL does not take,
or a failure) would otherwise come back as HTML or as the API's JSON shape: here it is rewritten
to ``errors/error`` in the format the path asks for (XML when it names none), in Vietnamese.
"""
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from open311.formats import format_of_path, render_errors

PREFIX = "/open311/"


def _description(status):
    if status == 404:
        return _("Không có tài nguyên Open311 này. Xem /open311/discovery.xml.")
    if status == 405:
        return _("Phương thức này không dùng được ở đây.")
    if status == 413:
        return _("Dữ liệu gửi lên quá lớn (tối đa %(mb)d MB).") % {
            "mb": settings.PAKN_REQUEST_MAX_BYTES // (1024 * 1024)}
    if status >= 500:
        return _("Hệ thống đang gặp sự cố. Vui lòng thử lại sau.")
    return _("Yêu cầu không hợp lệ.")


class Open311ErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(PREFIX) or response.status_code < 400 or getattr(response, "open311", False):
            return response
        with translation.override("vi"):
            rewritten = render_errors(format_of_path(request.path), response.status_code,
                                      [_description(response.status_code)])
        for header in ("Retry-After", "Allow"):
            if header in response:
                rewritten[header] = response[header]
        return rewritten
