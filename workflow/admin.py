"""The administrator's tools: agencies and people, routing and deadline policies, the calendar.

Cases, their events and submissions are shown read-only: a case changes only through
``workflow.services`` (the officials' pages and the API) and what a citizen sent is a record, so
the admin can look but never add, edit or delete.
"""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import PhotoPreviewMixin, ReadOnlyAdminMixin
from workflow.models import (Agency, CalendarDay, Case, CaseEvent, CasePhoto, DeadlinePolicy, Membership, RoutingRule,
                             Submission, SubmissionPhoto)

User = get_user_model()


# --- agencies and people -----------------------------------------------------------------------

class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("agency",)
    verbose_name = _("vai trò tại cơ quan")
    verbose_name_plural = _("vai trò tại cơ quan")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "code", "kind", "parent", "requires_approval", "is_active")
    list_filter = ("kind", "requires_approval", "is_active")
    search_fields = ("code", "name_vi", "name_en")
    autocomplete_fields = ("parent", "ward")
    list_select_related = ("parent",)
    inlines = [MembershipInline]
    fields = ("code", "name_vi", "name_en", "kind", "parent", "ward", "requires_approval", "is_active")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role", "agency")
    search_fields = ("user__username", "user__first_name", "user__last_name", "agency__name_vi", "agency__code")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")


class UserWithMembershipsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserWithMembershipsAdmin)


# --- policies ----------------------------------------------------------------------------------

@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "category", "ward", "agency", "priority", "is_active")
    list_filter = ("is_active", "category", "agency")
    search_fields = ("category__name_vi", "ward__name", "agency__name_vi", "agency__code")
    autocomplete_fields = ("category", "ward", "agency")
    list_select_related = ("category", "ward", "agency")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "category", "priority", "reception_hours", "handling_hours", "return_hours", "is_active")
    list_filter = ("is_active", "priority", "category")
    autocomplete_fields = ("category",)
    list_select_related = ("category",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"


# --- cases, read-only --------------------------------------------------------------------------

class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "transition", "from_state", "to_state", "actor", "actor_kind", "device_class",
              "agency", "message", "is_public")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "agency")


class CasePhotoInline(PhotoPreviewMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = CasePhoto
    extra = 0
    can_delete = False
    fields = ("preview", "width", "height", "created_at")
    readonly_fields = fields
    verbose_name = _("ảnh kết quả")
    verbose_name_plural = _("ảnh kết quả")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "title", "state", "category", "agency", "ward", "due_at", "submitted_at")
    list_filter = ("state", "priority", "kind", "category", "agency")
    search_fields = ("=id", "title", "submissions__tracking_code")
    date_hierarchy = "submitted_at"
    list_select_related = ("category", "agency", "ward")
    show_full_result_count = False
    inlines = [CaseEventInline, CasePhotoInline]
    fieldsets = (
        (None, {"fields": ("state", "kind", "category", "ward", "title", "priority", "agency", "merged_into")}),
        (_("Thời hạn"), {"fields": ("submitted_at", "received_at", "assigned_at", "reception_due_at",
                                    "handling_due_at", "return_due_at", "due_at", "paused_at",
                                    "paused_remaining_seconds", "resume_state", "reminder_stage", "escalated_at")}),
        (_("Gia hạn"), {"fields": ("extension_requested_days", "extension_reason", "extension_granted_days")}),
        (_("Kết quả"), {"fields": ("answer", "answered_at", "answered_on_time", "reject_reason_code",
                                   "reject_message", "rating", "rating_comment", "rated_at", "reopened_at",
                                   "closed_at", "withdrawn_at")}),
        (_("Đo lường"), {"fields": ("intake_working_seconds", "intake_calendar_seconds",
                                    "response_working_seconds", "response_calendar_seconds", "version",
                                    "updated_at")}),
    )

    def view_on_site(self, case):
        return reverse("workflow:case", args=[case.pk])


# --- submissions, read-only ----------------------------------------------------------------------

class SubmissionPhotoInline(PhotoPreviewMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = SubmissionPhoto
    extra = 0
    can_delete = False
    fields = ("preview", "width", "height", "source_format", "position")
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("tracking_code", "title", "kind", "category", "ward", "channel", "device_class",
                    "submitted_at", "case_link")
    list_filter = ("kind", "channel", "device_class", "category", "anonymous", "publish_consent")
    search_fields = ("=tracking_code", "title", "description")
    date_hierarchy = "submitted_at"
    list_select_related = ("category", "ward", "case")
    show_full_result_count = False
    inlines = [SubmissionPhotoInline]
    fieldsets = (
        (None, {"fields": ("tracking_code", "case_link", "kind", "category", "title", "description")}),
        (_("Vị trí"), {"fields": ("latitude", "longitude", "location_from_photo", "address", "ward")}),
        (_("Liên hệ"), {"fields": ("contact_name", "contact_phone", "contact_email", "anonymous",
                                   "publish_consent", "language")}),
        (_("Nguồn"), {"fields": ("channel", "device_class", "entered_by", "submitted_at")}),
    )
    readonly_fields = ("case_link",)

    @admin.display(description=_("hồ sơ"), ordering="case")
    def case_link(self, submission):
        return format_html('<a href="{}">#{}</a>', reverse("admin:workflow_case_change", args=[submission.case_id]),
                           submission.case_id)
