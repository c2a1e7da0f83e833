"""Open311 clients in the admin: adding one (or issuing a new key) shows the key once; revoking
refuses it at once. The key itself is never stored, so it cannot be shown again."""
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from open311.models import Open311Client
from open311.services import client_issue_key, client_revoke


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "contact", "is_active", "post_rate", "key_prefix", "key_issued_at", "revoked_at")
    list_filter = ("is_active",)
    search_fields = ("name", "contact")
    fields = ("name", "contact", "is_active", "post_rate", "key_prefix", "key_issued_at", "created_at",
              "revoked_at")
    readonly_fields = ("key_prefix", "key_issued_at", "created_at", "revoked_at")
    actions = ["issue_new_key", "revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        request._open311_new_key = client_issue_key(client=obj)  # saves the new client

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_key(request, obj, request._open311_new_key)

    def _show_key(self, request, client, key):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "client": client,
                   "key": key, "title": _("Khóa api_key của %(name)s") % {"name": client.name}}
        response = TemplateResponse(request, "open311/admin/key_issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Cấp khóa mới (khóa cũ ngừng hoạt động)"), permissions=["change"])
    def issue_new_key(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một ứng dụng để cấp khóa mới."), messages.WARNING)
            return None
        client = queryset.get()
        return self._show_key(request, client, client_issue_key(client=client))

    @admin.action(description=_("Thu hồi (từ chối khóa ngay)"), permissions=["change"])
    def revoke(self, request, queryset):
        clients = list(queryset.filter(is_active=True))
        for client in clients:
            client_revoke(client=client)
        self.message_user(request, ngettext("Đã thu hồi %(n)d ứng dụng.", "Đã thu hồi %(n)d ứng dụng.",
                                            len(clients)) % {"n": len(clients)}, messages.SUCCESS)
