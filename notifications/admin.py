"""The administrator's view of what was (or could not be) told: intents, the email/SMS/push outbox,
and the browsers subscribed to Web Push.

Read-only, with one action: a failed row can be put back in the queue once its cause is fixed
(a template repaired, a gateway back). Recipients' addresses appear only on a message's own page;
a browser's push endpoint (a capability address) appears nowhere, only its push service's host.
"""
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_mixins import ReadOnlyAdminMixin
from notifications.models import NotificationIntent, OutboxMessage, PushSubscription
from notifications.retry import try_again


@admin.action(description=_("Thử lại các mục không thành công đã chọn"))
def try_failed_again(modeladmin, request, queryset):
    count = try_again(queryset, now=timezone.now())
    modeladmin.message_user(request, ngettext("%(n)d mục sẽ được thử lại trong lần quét tới.",
                                              "%(n)d mục sẽ được thử lại trong lần quét tới.", count) % {"n": count},
                            messages.SUCCESS)


class RetriedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_filter = ("status",)
    actions = [try_failed_again]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(NotificationIntent)
class NotificationIntentAdmin(RetriedAdmin):
    list_display = ("id", "topic", "case", "status", "attempts", "last_error", "next_attempt_at", "created_at")
    list_filter = ("status", "topic")
    list_select_related = ("case",)
    fields = ("topic", "case", "event", "submission", "stage", "agency", "status", "attempts", "last_error",
              "next_attempt_at", "created_at", "done_at", "dedupe_key")
    readonly_fields = fields


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RetriedAdmin):
    list_display = ("id", "channel", "kind", "case", "status", "attempts", "last_error", "next_attempt_at",
                    "created_at")
    list_filter = ("status", "channel", "kind")
    list_select_related = ("case",)
    fields = ("channel", "kind", "case", "language", "to", "subject", "body_text", "status", "attempts",
              "last_error", "next_attempt_at", "created_at", "sent_at", "dedupe_key", "message_key")
    readonly_fields = fields


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "service_host", "submission", "user", "created_at", "last_sent_at")
    list_select_related = ("submission", "user")
    fields = ("service_host", "submission", "user", "created_at", "last_sent_at")
    readonly_fields = fields
    show_full_result_count = False
