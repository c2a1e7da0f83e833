"""What the product tells people: in-app notifications for staff and an outbox for email, SMS and
Web Push.

What must be told is written in the same transaction as the case change that causes it, as one
small ``NotificationIntent`` row (see ``notifications.receivers``): a change that commits always
has it, a change that rolls back has none, and nothing is rendered while the case's row is
locked. After commit the intent is rendered into the staff members' ``Notification`` rows and the
citizens' ``OutboxMessage`` rows; the outbox is then delivered. Both steps are retried with
backoff until they succeed or run out of attempts (status ``failed``: listed in the admin and
counted on ``/healthz``); nothing is dropped silently and nothing is done twice.

Web Push reaches a browser that subscribed (``PushSubscription``): a citizen's phone for their own
case, a staff member's browser for the events they chose (``StaffNoticeSettings``). Each push is
one more outbox row, to one subscription.
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
    PUSH = "push", _("Thông báo đẩy")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")
    # An SMS kept in reserve while a push is on its way (``PAKN_SMS_ONLY_AS_FALLBACK``): sent if
    # no push reaches the person, else skipped.
    HELD = "held", _("Dự phòng")
    SKIPPED = "skipped", _("Không cần gửi")
    # A push to a browser that unsubscribed (the push service answered 404/410, or the person
    # turned it off before it went).
    GONE = "gone", _("Người nhận đã hủy đăng ký")


class PushSubscription(models.Model):
    """A browser that agreed to receive Web Push: a citizen's, for one submission (proven by its
    private key), or a staff member's, for the events they chose.

    The endpoint is the push service's address for that browser (a capability URL: kept out of
    logs and lists); ``p256dh`` and ``auth`` are the browser's keys that each payload is encrypted
    to (RFC 8291). A browser has one row per submission it follows, and at most one staff row (the
    last person who subscribed on it). Removed when the push service says it is gone.
    """

    endpoint = models.TextField()
    endpoint_hash = models.CharField(max_length=64, db_index=True, editable=False)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    submission = models.ForeignKey("workflow.Submission", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đăng ký thông báo đẩy")
        verbose_name_plural = _("đăng ký thông báo đẩy")
        constraints = [
            models.CheckConstraint(name="push_for_a_submission_or_a_user",
                                   condition=models.Q(submission__isnull=True) ^ models.Q(user__isnull=True)),
            models.UniqueConstraint(fields=["endpoint_hash", "submission"], name="push_once_per_submission",
                                    condition=models.Q(submission__isnull=False)),
            models.UniqueConstraint(fields=["endpoint_hash"], name="push_one_staff_member_per_browser",
                                    condition=models.Q(user__isnull=False)),
        ]

    def __str__(self):
        return f"{_('Thông báo đẩy')} #{self.pk} ({self.service_host})"

    @property
    def service_host(self):
        """The push service's host name (fcm.googleapis.com, …): enough to tell browsers apart."""
        from urllib.parse import urlsplit

        return urlsplit(self.endpoint).hostname or ""


class StaffNoticeSettings(models.Model):
    """A staff member's choices: which kinds of notice they see in the bell and get pushed, and
    whether reminders' pushes wait for office hours. No row: everything on, quiet hours on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted_in_app = models.JSONField(default=list, blank=True)
    muted_push = models.JSONField(default=list, blank=True)
    quiet_hours = models.BooleanField(_("nhắc hạn chỉ trong giờ hành chính"), default=True)

    class Meta:
        verbose_name = _("lựa chọn thông báo của cán bộ")
        verbose_name_plural = _("lựa chọn thông báo của cán bộ")

    def __str__(self):
        return str(self.user)


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
    # A push goes to one browser; its payload (``body_text``, JSON) keeps the private link's
    # placeholder like an email does.
    push_subscription = models.ForeignKey(PushSubscription, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    # One message to one person, whatever channels carry it: an SMS held in reserve is released or
    # skipped by what happens to the pushes of the same message.
    message_key = models.CharField(max_length=120, blank=True, db_index=True)

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
