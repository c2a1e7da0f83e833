"""What the product tells people: in-app notifications for staff and an outbox for email and SMS.

Both are written in the same transaction as the case change that causes them (see
``notifications.receivers``), so a change that commits always has its messages and a change that
rolls back has none. Delivery of the outbox happens after commit and is retried until it succeeds.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One line in a staff member's bell: about a case, linking to it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại"), max_length=40)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Tin nhắn SMS")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class OutboxMessage(models.Model):
    """An email or SMS to send; kept until sent, retried with backoff, never sent twice.

    ``dedupe_key`` names what the message is about (event, channel, submission), so writing the
    same message twice is impossible. ``last_error`` keeps the error class and the gateway's words,
    never the address.
    """

    channel = models.CharField(max_length=10, choices=OutboxChannel.choices)
    to = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="vi")
    case = models.ForeignKey("workflow.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The submission a citizen's message is for: its private link is written into the body only
    # when the message is sent (``notifications.links``), never stored.
    submission = models.ForeignKey("feedback.Feedback", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("thư/tin nhắn chờ gửi")
        verbose_name_plural = _("hộp thư đi")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} {self.kind} ({self.get_status_display()})"
