"""The policies that route and time cases: routing rules, deadline policies, the working calendar."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow.models.organisation import Agency
from workflow.working_time import working_day_hours


class RoutingRule(models.Model):
    """Suggests the agency for a case by category and/or ward; the highest priority match wins."""

    category = models.ForeignKey("core.Category", null=True, blank=True, on_delete=models.CASCADE,
                                 verbose_name=_("lĩnh vực"))
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("phường/xã"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="routing_rules",
                               verbose_name=_("cơ quan xử lý"))
    priority = models.IntegerField(_("độ ưu tiên"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["-priority", "pk"]
        verbose_name = _("quy tắc chuyển")
        verbose_name_plural = _("quy tắc chuyển")

    def __str__(self):
        return f"{self.category or '*'} / {self.ward or '*'} → {self.agency}"


class Priority(models.TextChoices):
    NORMAL = "normal", _("Thông thường")
    URGENT = "urgent", _("Khẩn")
    COMPLEX = "complex", _("Phức tạp")


# When no policy applies, and what a new policy starts from: reception within 8 working hours,
# handling within 5 working days (urgent: 4 working hours; complex: 15 working days) and a return
# within 1 working day, a working day lasting as long as the office hours make it.
DEFAULT_RECEPTION_HOURS = Decimal(8)
URGENT_HANDLING_HOURS = Decimal(4)
HANDLING_WORKING_DAYS = {Priority.NORMAL: 5, Priority.COMPLEX: 15}
RETURN_WORKING_DAYS = 1
_HUNDREDTH = Decimal("0.01")


def default_reception_hours():
    return DEFAULT_RECEPTION_HOURS


def default_handling_hours(priority=Priority.NORMAL):
    if priority == Priority.URGENT:
        return URGENT_HANDLING_HOURS
    return (HANDLING_WORKING_DAYS[priority] * working_day_hours()).quantize(_HUNDREDTH)


def default_return_hours():
    return (RETURN_WORKING_DAYS * working_day_hours()).quantize(_HUNDREDTH)


class DeadlinePolicy(models.Model):
    """Working-time limits for a category (or every category) and priority.

    The most specific active policy applies: category+priority, then any category+priority.
    """

    category = models.ForeignKey("core.Category", null=True, blank=True, on_delete=models.CASCADE)
    priority = models.CharField(_("mức độ"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    reception_hours = models.DecimalField(_("tiếp nhận (giờ làm việc)"), max_digits=6, decimal_places=2,
                                          default=default_reception_hours)
    handling_hours = models.DecimalField(_("xử lý (giờ làm việc)"), max_digits=7, decimal_places=2,
                                         default=default_handling_hours)
    return_hours = models.DecimalField(_("trả lại (giờ làm việc)"), max_digits=6, decimal_places=2,
                                       default=default_return_hours)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "priority"], name="deadline_policy_unique")]
        verbose_name = _("chính sách thời hạn")
        verbose_name_plural = _("chính sách thời hạn")

    def __str__(self):
        return f"{self.category or _('Mọi lĩnh vực')} / {self.get_priority_display()}"


class CalendarDay(models.Model):
    """A day the administrator declares off, or a (make-up) working day, over the national calendar."""

    class DayKind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("ngày trong lịch làm việc")
        verbose_name_plural = _("lịch làm việc")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
