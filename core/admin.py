"""Reference data in the admin: categories are edited here; wards come from ``vietnam-provinces``."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdminMixin
from core.models import Category, JobRun, Kind, Ward


class CategoryForm(forms.ModelForm):
    """``kinds`` as one checkbox per kind of feedback; none ticked means the category fits every kind."""

    kinds = forms.MultipleChoiceField(label=_("Loại phản ánh áp dụng"), choices=Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Không chọn loại nào: lĩnh vực dùng cho mọi loại phản ánh."))

    class Meta:
        model = Category
        fields = "__all__"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("code", "name_vi", "name_en", "kinds", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_vi", "name_en")
    ordering = ("sort_order", "name_vi")


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    """Read-mostly: the official list is loaded by a command; only ``is_active`` is the admin's to change."""

    list_display = ("code", "name", "division_type", "province_code", "is_active")
    list_filter = ("is_active", "division_type")
    search_fields = ("code", "name")
    readonly_fields = ("code", "name", "division_type", "province_code")
    fields = ("code", "name", "division_type", "province_code", "is_active")
    actions = ["deactivate", "activate"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Ngừng dùng các phường/xã đã chọn"))
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)

    @admin.action(description=_("Dùng lại các phường/xã đã chọn"))
    def activate(self, request, queryset):
        queryset.update(is_active=True)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each periodic job's last run, as the jobs recorded it (also on /readyz and /metrics)."""

    list_display = ("name", "last_status", "last_started_at", "last_success_at", "last_duration_ms",
                    "last_result", "last_error", "runs", "failures")
