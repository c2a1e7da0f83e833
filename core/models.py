"""Reference data every app uses: the categories of feedback and the province's wards."""
from django.db import models
from django.utils.translation import get_language, gettext_lazy as _


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
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name_vi

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
