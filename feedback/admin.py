"""Submissions in the admin, read-only: what the citizen sent is a record, never edited afterwards."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import PhotoPreviewMixin, ReadOnlyAdminMixin
from feedback.models import Feedback, Photo
from workflow.contact_reads import record_contact_read
from workflow.models import ContactRead


class PhotoInline(PhotoPreviewMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    fields = ("preview", "width", "height", "source_format", "position")
    readonly_fields = fields


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("tracking_code", "title", "kind", "category", "ward", "channel", "device_class",
                    "submitted_at", "case_link")
    list_filter = ("kind", "channel", "device_class", "category", "anonymous", "publish_consent")
    search_fields = ("=tracking_code", "title", "description")
    date_hierarchy = "submitted_at"
    list_select_related = ("category", "ward", "case")
    show_full_result_count = False
    inlines = [PhotoInline]
    fieldsets = (
        (None, {"fields": ("tracking_code", "case_link", "kind", "category", "title", "description")}),
        (_("Vị trí"), {"fields": ("latitude", "longitude", "location_from_photo", "address", "ward")}),
        (_("Liên hệ"), {"fields": ("contact_name", "contact_phone", "contact_email", "contact_erased_at", "anonymous",
                                   "publish_consent", "language")}),
        (_("Nguồn"), {"fields": ("channel", "device_class", "entered_by", "submitted_at")}),
    )
    readonly_fields = ("case_link", "contact_erased_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        feedback = self.get_object(request, object_id)
        if feedback is not None and response.status_code == 200:
            record_contact_read(user=request.user, case=feedback.case, via=ContactRead.Via.ADMIN,
                                submissions=[feedback])
        return response

    @admin.display(description=_("hồ sơ"), ordering="case")
    def case_link(self, feedback):
        return format_html('<a href="{}">#{}</a>', reverse("admin:workflow_case_change", args=[feedback.case_id]),
                           feedback.case_id)
