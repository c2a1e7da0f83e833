"""The error pages: every refusal a person meets in a browser is a Vietnamese page in the site's
layout (never Django's English debug or CSRF page); every refusal an API client meets keeps the
API's one error shape (``core.api``), also for a URL that matches nothing under ``/api/`` or
``/open311/``. Wired in ``config/urls.py`` (handler400/403/404/500) and ``CSRF_FAILURE_VIEW``.
"""
import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
MACHINE_PREFIXES = ("/api/", "/open311/")


def _for_machines(request):
    return request.path.startswith(MACHINE_PREFIXES)


def _error(request, *, status, code, message, template, context=None):
    if _for_machines(request):
        return JsonResponse({"message": str(message), "code": code, "fields": {}}, status=status)
    body = loader.render_to_string(template, {"message": message, **(context or {})}, request=request)
    return HttpResponse(body, status=status)


def page_not_found(request, exception=None):
    return _error(request, status=404, code="not_found", message=_("Không tìm thấy."), template="404.html")


def permission_denied(request, exception=None):
    return _error(request, status=403, code="permission_denied",
                  message=_("Bạn không có quyền thực hiện thao tác này."), template="403.html")


def bad_request(request, exception=None):
    return _error(request, status=400, code="bad_request", message=_("Yêu cầu không hợp lệ."), template="400.html")


def csrf_failure(request, reason=""):
    """A form sent without a valid security token (an old page, cookies off, another site)."""
    log.warning("csrf refused on %s: %s", request.path, reason)
    return _error(request, status=403, code="csrf_failed",
                  message=_("Phiên làm việc của trang đã hết hạn hoặc trình duyệt chặn cookie."),
                  template="403_csrf.html", context={"retry_url": request.path})


def server_error(request):
    """The 500 page; rendered without the request's context processors, which may be what broke."""
    if _for_machines(request):
        return JsonResponse({"message": _("Hệ thống gặp lỗi. Vui lòng thử lại sau."), "code": "server_error",
                             "fields": {}}, status=500)
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the error page itself must never fail
        log.exception("could not render 500.html")
        body = "<!doctype html><meta charset=utf-8><title>500</title><h1>Hệ thống gặp lỗi</h1>"
    return HttpResponse(body, status=500)
