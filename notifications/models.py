"""What the product tells people: in-app notifications for staff and an outbox for email and SMS.

What must be told is written in the same transaction as the case change that causes it, as one
small ``NotificationIntent`` row (see ``notifications.receivers``): a change that commits always
has it, a change that rolls back has none, and nothing is rendered while the case's row is
locked. After commit the intent is rendered into the staff members' ``Notification`` rows and the
citizens' ``OutboxMessage`` rows; the outbox is then delivered. Both steps are retried with
backoff until they succeed or run out of attempts (status ``failed``: listed in the admin and
counted on ``/healthz``); nothing is dropped silently and nothing is done twice.
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


class RetriedWork(models.Model):
    """A row of work done after commit and retried until done (``notifications.retry``): what it
    is about (``dedupe_key``, so it cannot be written twice), its attempts, when the next is due,
    and the last failure's reason (the error class and its words, never a recipient). Each kind
    adds its ``status`` (pending → done, or failed after the last attempt)."""

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    dedupe_key = models.CharField(max_length=120, unique=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class OutboxMessage(RetriedWork):
    """An email or SMS to send; kept until sent, retried with backoff, never sent twice.

    ``dedupe_key`` names what the message is about (event, channel, submission).
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
    submission = models.ForeignKey("workflow.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(RetriedWork.Meta):
        verbose_name = _("thư/tin nhắn chờ gửi")
        verbose_name_plural = _("hộp thư đi")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} {self.kind} ({self.get_status_display()})"


class IntentTopic(models.TextChoices):
    EVENT = "event", _("Sự kiện của hồ sơ")
    RECEIVED = "received", _("Đã nhận phản ánh")
    DEADLINE = "deadline", _("Nhắc hạn / quá hạn")


class IntentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    DONE = "done", _("Đã tạo thông báo")
    FAILED = "failed", _("Không tạo được")


class NotificationIntent(RetriedWork):
    """What must be told about one happening: written with the change, rendered after commit.

    One row per case event, submission received, or deadline stage reached (``dedupe_key``).
    """

    topic = models.CharField(max_length=10, choices=IntentTopic.choices)
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("workflow.CaseEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey("workflow.Submission", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    # For a deadline: the stage reached (75, 100) and the agency holding the case at that moment.
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    agency = models.ForeignKey("workflow.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=IntentStatus.choices, default=IntentStatus.PENDING)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta(RetriedWork.Meta):
        verbose_name = _("việc cần thông báo")
        verbose_name_plural = _("việc cần thông báo")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="intent_due")]

    def __str__(self):
        return f"{self.get_topic_display()} #{self.pk} ({self.get_status_display()})"
