"""Open311 clients: the third-party apps allowed to file requests, each with its key and its budget.

A key is shown once when issued and stored only as its sha256 (keys are long random strings, so a
plain digest is enough to make the stored value useless to whoever reads the table).
"""
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_POST_RATE = "60/min"
# The form DRF's throttles read: a number, a slash, then a period (s, m, h, d or a word for it).
RATE_PATTERN = re.compile(r"[1-9]\d{0,6}/(s|sec|second|m|min|minute|h|hour|d|day)")


def hash_client_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def validate_rate(value):
    if not RATE_PATTERN.fullmatch(value or ""):
        raise ValidationError(_("Nhập dạng số/đơn vị, ví dụ 60/min, 1000/hour, 5000/day."))


class Open311Client(models.Model):
    name = models.CharField(_("tên ứng dụng"), max_length=120, unique=True)
    contact = models.CharField(_("liên hệ kỹ thuật"), max_length=200, blank=True,
                               help_text=_("Người hoặc đơn vị chịu trách nhiệm, email/điện thoại."))
    is_active = models.BooleanField(_("đang hoạt động"), default=True,
                                    help_text=_("Bỏ chọn để thu hồi: khóa bị từ chối ngay (403)."))
    post_rate = models.CharField(_("giới hạn gửi"), max_length=20, default=DEFAULT_POST_RATE,
                                 validators=[validate_rate],
                                 help_text=_("Số yêu cầu POST tối đa, ví dụ 60/min; vượt quá: 429."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so an administrator can tell which key a client holds.
    key_prefix = models.CharField(_("đầu khóa"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    key_issued_at = models.DateTimeField(_("cấp khóa lúc"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")

    def __str__(self):
        return self.name
