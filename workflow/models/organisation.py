"""The province's organisation: agencies in a tree, and the people who work in them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualName


class AgencyKind(models.TextChoices):
    RECEPTION = "reception", _("Trung tâm tiếp nhận")
    DEPARTMENT = "department", _("Sở, ngành")
    WARD = "ward", _("UBND phường/xã")
    UTILITY = "utility", _("Doanh nghiệp dịch vụ công")
    OTHER = "other", _("Khác")


class AgencyQuerySet(models.QuerySet):
    """What "an agency" means wherever cases are filtered by one: it and every agency under it."""

    def under(self, path):
        """The agencies whose tree path starts with ``path`` (a value or an expression)."""
        return self.filter(path__startswith=path)

    def subtree_of(self, code):
        """The agency with this code and its subtree, as one subquery (none for an unknown code)."""
        return self.under(models.Subquery(Agency.objects.filter(code=code).values("path")[:1]))


class Agency(BilingualName):
    """An agency in the province's tree; ``path`` ("/1/4/") makes subtree queries one LIKE."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("đơn vị cấp trên"))
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.SET_NULL,
                             verbose_name=_("phường/xã phụ trách"))
    requires_approval = models.BooleanField(_("trả lời cần lãnh đạo duyệt"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            Agency.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old:
                self._rewrite_descendant_paths(old, path)

    def _rewrite_descendant_paths(self, old, new):
        for child in Agency.objects.filter(path__startswith=old).exclude(pk=self.pk):
            Agency.objects.filter(pk=child.pk).update(path=new + child.path[len(old):])

    def subtree(self):
        return Agency.objects.under(self.path)


class Role(models.TextChoices):
    RECEPTION = "reception", _("Cán bộ tiếp nhận")
    OFFICER = "officer", _("Cán bộ xử lý")
    SUPERVISOR = "supervisor", _("Lãnh đạo / giám sát")


class Membership(models.Model):
    """A user's role in an agency; a supervisor's reach is the agency's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")]
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
