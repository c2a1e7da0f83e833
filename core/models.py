"""Reference data every app uses: the categories of feedback and the province's wards."""
from django.db import models
from django.utils.translation import get_language, gettext_lazy as _



def localized_name(name_vi, name_en, language=None):
    """The name in ``language`` (default: the active one): English where asked and given, else Vietnamese."""
    if (language or get_language() or "vi").startswith("en") and name_en:
        return name_en
    return name_vi

class Kind(models.TextChoices):
    ON_SITE = "on_site", _("Hiện trường")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    BUSINESS = "business", _("Doanh nghiệp")


class BilingualName(models.Model):
    """A Vietnamese name (the default) and an English one, shown by the active language."""

    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self):
        return localized_name(self.name_vi, self.name_en)

    def __str__(self):
        return self.name


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Category(BilingualName):
    """A field of feedback (lĩnh vực), e.g. environment, traffic, electricity."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    kinds = models.JSONField(_("loại phản ánh áp dụng"), default=list,
                             help_text=_("Danh sách: on_site, procedure, business"))
    description = models.TextField(_("mô tả"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name_vi"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def applies_to(self, kind):
        return not self.kinds or kind in self.kinds


class Ward(models.Model):
    """A ward or commune (phường/xã) of the province, loaded from ``vietnam-provinces``."""

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại"), max_length=30)
    province_code = models.PositiveIntegerField(_("mã tỉnh"), db_index=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("phường/xã")
        verbose_name_plural = _("phường/xã")

    def __str__(self):
        return self.name


class JobRun(models.Model):
    """The last run of one periodic job (reminders, auto-close, the outbox sweep), one row per job.

    Kept in the database so that every worker's ``/readyz`` and ``/metrics`` can tell an operator
    that beat (or cron) has stopped, whichever process ran the job last.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        OK = "ok", _("Thành công")
        FAILED = "failed", _("Lỗi")

    name = models.CharField(_("công việc"), max_length=100, unique=True)
    last_status = models.CharField(_("kết quả lần cuối"), max_length=10, choices=Status.choices)
    last_started_at = models.DateTimeField(_("bắt đầu lần cuối"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("kết thúc lần cuối"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("thành công lần cuối"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_result = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lần chạy công việc định kỳ")
        verbose_name_plural = _("công việc định kỳ")

    def __str__(self):
        return self.name
