"""What citizens send: submissions (phản ánh, kiến nghị) and their photos, owned by the case.

A case is opened by one submission and may gather more (merging re-points a duplicate's
submissions to the surviving case, so every submitter follows it and gets its answer). The
workflow reads submissions everywhere (lists, search, the indicator, who to tell), so the model
lives with the case; taking them in (checks, photos, tracking codes, idempotency) is the
``feedback`` app's work. The tables keep the names they were created with.
"""
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.devices import DeviceClass
from core.models import Kind
from workflow.models.cases import Case


class Channel(models.TextChoices):
    WEB = "web", _("Cổng web")
    API = "api", _("Ứng dụng / API")
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("Đường dây nóng")
    COUNTER = "counter", _("Quầy tiếp nhận")


# Channels a reception officer enters on a citizen's behalf (telephone, counter): the officer is
# recorded as who entered it and the citizen's device is unknown, so the mobile indicator stays honest.
OFFICER_CHANNELS = (Channel.HOTLINE, Channel.COUNTER)


def hash_private_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Submission(models.Model):
    """One citizen's submission: what they sent, how to reach them, and the case handling it."""

    tracking_code = models.CharField(_("mã theo dõi"), max_length=20, unique=True)
    private_key_hash = models.CharField(max_length=64, editable=False)
    # The private key sealed (core.sealing), never in clear: the submitter's own messages carry
    # their private link (feedback.services.private_link).
    private_key_sealed = models.CharField(max_length=200, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True, unique=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="submissions")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey("core.Category", on_delete=models.PROTECT, verbose_name=_("lĩnh vực"))
    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"), max_length=4000)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_from_photo = models.BooleanField(default=False)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("phường/xã"))
    # A photo link an Open311 client sent instead of (or besides) files: kept as given, never fetched.
    media_url = models.URLField(_("đường dẫn ảnh"), max_length=500, blank=True)

    contact_name = models.CharField(_("họ tên"), max_length=120, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    # Set when the contact fields were emptied (the submitter asked, or the retention period after
    # the case ended passed): the record of the case stays, the person's contact data does not.
    contact_erased_at = models.DateTimeField(_("đã xoá thông tin liên hệ lúc"), null=True, blank=True,
                                             editable=False)
    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    publish_consent = models.BooleanField(_("đồng ý công khai"), default=False)
    language = models.CharField(max_length=8, default="vi")
    # The submitter's own choice of how they hear of their case (private page, or the link in an
    # email); Web Push is chosen by subscribing a browser. SMS may further wait for no other
    # channel to reach them (PAKN_SMS_ONLY_AS_FALLBACK, notifications.services).
    notify_email = models.BooleanField(_("nhận email"), default=True)
    notify_sms = models.BooleanField(_("nhận SMS"), default=True)

    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    device_class = models.CharField(_("thiết bị"), max_length=10, choices=DeviceClass.choices,
                                    default=DeviceClass.UNKNOWN)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("thời điểm gửi"), db_index=True)

    class Meta:
        db_table = "feedback_feedback"
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        indexes = [
            models.Index(fields=["submitted_at", "device_class"], name="feedback_period_device"),
            # The mobile handling indicator reads only this index (bench/metrics.py).
            models.Index(fields=["device_class", "submitted_at", "case"], name="feedback_device_period_case"),
            # "Similar feedback nearby": a latitude/longitude box before the exact distance.
            models.Index(fields=["latitude", "longitude"], name="feedback_position"),
        ]

    def __str__(self):
        return self.tracking_code

    def key_matches(self, key: str) -> bool:
        return bool(key) and hmac.compare_digest(self.private_key_hash, hash_private_key(key))

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None


class SubmissionPhoto(models.Model):
    """A citizen's photo as stored: upright, resized, every metadata field stripped."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos",
                                   db_column="feedback_id")
    # Indexed: every request for a photo finds its row (and so its case) by the stored name.
    image = models.ImageField(upload_to="photos/%Y/%m/", db_index=True)
    thumbnail = models.ImageField(upload_to="photos/%Y/%m/thumbs/", db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    source_format = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "feedback_photo"
        ordering = ["position", "pk"]
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")


class ContactRead(models.Model):
    """A staff member was shown a citizen's contact data: who, when, which case, where.

    Nghị định 13/2023 asks that access to personal data be traceable; administrators read this
    list in the admin. Rows are never changed or deleted (from the admin or elsewhere).
    """

    class Via(models.TextChoices):
        PAGE = "page", _("Trang hồ sơ")
        API = "api", _("API")
        ADMIN = "admin", _("Trang quản trị")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("người xem"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("hồ sơ"))
    via = models.CharField(_("qua"), max_length=10, choices=Via.choices)
    read_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("lượt xem thông tin liên hệ")
        verbose_name_plural = _("nhật ký xem thông tin liên hệ")

    def __str__(self):
        return f"{self.user} · #{self.case_id} · {self.read_at:%d/%m/%Y %H:%M}"
