"""One family of business errors, mapped once to the API's error shape.

Services raise these; ``core.api.exception_handler`` turns them (and DRF's own errors) into
``{"message": …, "code": …, "fields": …}`` with the matching HTTP status. Messages are shown to
people, so they are translatable and never carry personal data.
"""
from django.utils.translation import gettext_lazy as _


class PaknError(Exception):
    status = 400
    code = "invalid"
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, code=None, fields=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationFailed(PaknError):
    status = 400
    code = "invalid"
    default_message = _("Dữ liệu gửi lên chưa hợp lệ.")


class PermissionDenied(PaknError):
    status = 403
    code = "permission_denied"
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class NotFound(PaknError):
    status = 404
    code = "not_found"
    default_message = _("Không tìm thấy.")


class Conflict(PaknError):
    status = 409
    code = "conflict"
    default_message = _("Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại và thử lại.")


class PayloadTooLarge(PaknError):
    status = 413
    code = "too_large"
    default_message = _("Dữ liệu gửi lên quá lớn.")


class Throttled(PaknError):
    status = 429
    code = "throttled"
    default_message = _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau.")

    def __init__(self, message=None, *, wait_seconds=None, **kwargs):
        super().__init__(message, **kwargs)
        self.wait_seconds = wait_seconds


class ServiceUnavailable(PaknError):
    """A service the change needs (the photo store) does not answer; nothing was saved."""

    status = 503
    code = "unavailable"
    default_message = _("Hệ thống tạm thời không lưu được dữ liệu. Vui lòng thử lại sau ít phút.")
