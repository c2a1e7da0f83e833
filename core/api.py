"""The API's one error shape: ``{"message": …, "code": …, "fields": {…}}``.

Business errors (``core.errors.PaknError``) and DRF's own exceptions are mapped here, once.
"""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import PaknError

log = logging.getLogger(__name__)


def error_response(message, *, code, status_code, fields=None, headers=None):
    body = {"message": str(message), "code": code, "fields": fields or {}}
    return Response(body, status=status_code, headers=headers)


def retry_after(exc):
    """``Retry-After`` for a throttled request that knows how long to wait."""
    wait = getattr(exc, "wait_seconds", None)
    return {"Retry-After": str(max(int(wait), 1))} if wait is not None else None


def _flatten(detail):
    """DRF field errors as ``{"field": ["message", …]}`` with plain strings."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _drf_error(exc, response):
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        return error_response(_("Dữ liệu gửi lên chưa hợp lệ."), code="invalid", status_code=400, fields=fields)
    if isinstance(exc, exceptions.Throttled):
        message = _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(s)d giây.") % {"s": exc.wait or 60}
        return error_response(message, code="throttled", status_code=429, headers=response.headers)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return error_response(_("Bạn cần đăng nhập."), code="not_authenticated",
                              status_code=response.status_code, headers=response.headers)
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response(_("Bạn không có quyền thực hiện thao tác này."), code="permission_denied", status_code=403)
    if isinstance(exc, exceptions.NotFound):
        return error_response(_("Không tìm thấy."), code="not_found", status_code=404)
    detail = getattr(exc, "detail", "")
    return error_response(detail, code=getattr(exc, "default_code", "error"), status_code=response.status_code)


def exception_handler(exc, context):
    if isinstance(exc, PaknError):
        return error_response(exc.message, code=exc.code, status_code=exc.status, fields=exc.fields,
                              headers=retry_after(exc))
    if isinstance(exc, RequestDataTooBig):
        return error_response(_("Dữ liệu gửi lên quá lớn."), code="too_large", status_code=413)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return error_response(_("Gửi quá nhiều trường hoặc tệp."), code="too_many_parts", status_code=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_response(_("Định dạng dữ liệu không được hỗ trợ."), code="unsupported_media_type", status_code=415)
    if isinstance(exc, exceptions.ParseError):
        return error_response(_("Không đọc được dữ liệu gửi lên."), code="parse_error", status_code=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    return _drf_error(exc, response)
