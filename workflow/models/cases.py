"""Cases, their state machine and their append-only event log.

A case's ``state`` is protected: it changes only through the transition methods below, and those
are called only from ``workflow.services`` (which locks the row, checks permission, writes the
event and queues follow-up work). Transition methods do no I/O; their conditions are small pure
functions in ``workflow.rules`` and their permissions in ``workflow.permissions``. Each method is
declared under its contract name (fields, labels, who hears of it) in ``workflow.transitions``.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from core.models import Kind
from workflow import permissions as perm
from workflow import rules
from workflow.models.organisation import Agency
from workflow.models.policies import Priority


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận")
    NEEDS_INFO = "needs_info", _("Yêu cầu bổ sung")
    ASSIGNED = "assigned", _("Đã chuyển xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    PENDING_APPROVAL = "pending_approval", _("Chờ duyệt")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")
    REJECTED = "rejected", _("Từ chối")
    MERGED = "merged", _("Đã gộp")
    WITHDRAWN = "withdrawn", _("Đã rút")


OPEN_STATES = (State.SUBMITTED, State.NEEDS_INFO, State.ASSIGNED, State.IN_PROGRESS, State.PENDING_APPROVAL)
# A final response reached the citizen: what the mobile handling indicator counts as handled.
RESPONDED_STATES = (State.ANSWERED, State.CLOSED, State.REJECTED)
# The answer is out: the citizen, the public view and the answer's photos show it.
ANSWER_PUBLISHED_STATES = (State.ANSWERED, State.CLOSED)
# Where needs_info can return to.
RESUMABLE_STATES = (State.SUBMITTED, State.IN_PROGRESS)


class RejectReason(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại, tố cáo: thuộc kênh giải quyết khác")
    DUPLICATE = "duplicate", _("Trùng lặp")
    NOT_IN_SCOPE = "not_in_scope", _("Không thuộc phạm vi tiếp nhận")
    INSUFFICIENT = "insufficient", _("Không đủ thông tin để xử lý")
    ABUSIVE = "abusive", _("Nội dung không phù hợp")
    SPAM = "spam", _("Thư rác, quảng cáo")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    ACCEPTABLE = "acceptable", _("Chấp nhận được")
    DISSATISFIED = "dissatisfied", _("Không hài lòng")


class Case(ConcurrentTransitionMixin, models.Model):
    """One matter for the government to handle; one or more submissions point at it."""

    state = FSMField(_("trạng thái"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey("core.Category", on_delete=models.PROTECT, verbose_name=_("lĩnh vực"))
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("phường/xã"))
    title = models.CharField(_("tiêu đề"), max_length=200)
    priority = models.CharField(_("mức độ"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("cơ quan xử lý"))

    submitted_at = models.DateTimeField(_("thời điểm gửi"), db_index=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Deadline of the current step (reception, return window or handling); null when no clock runs.
    due_at = models.DateTimeField(_("hạn hiện tại"), null=True, blank=True, db_index=True)
    reception_due_at = models.DateTimeField(null=True, blank=True)
    handling_due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    return_due_at = models.DateTimeField(null=True, blank=True)
    # While in needs_info the clock stops: the working seconds left are kept and re-applied on resume.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_remaining_seconds = models.IntegerField(null=True, blank=True)
    resume_state = models.CharField(max_length=20, blank=True)

    extension_requested_days = models.PositiveSmallIntegerField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_granted_days = models.PositiveSmallIntegerField(null=True, blank=True)

    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True, db_index=True)
    answered_on_time = models.BooleanField(null=True, blank=True)
    reject_reason_code = models.CharField(max_length=30, choices=RejectReason.choices, blank=True)
    reject_message = models.TextField(blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases")
    rating = models.CharField(_("đánh giá"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # Stored when each step ends so metrics never recompute working time.
    intake_working_seconds = models.IntegerField(null=True, blank=True)
    intake_calendar_seconds = models.IntegerField(null=True, blank=True)
    response_working_seconds = models.IntegerField(null=True, blank=True)
    response_calendar_seconds = models.IntegerField(null=True, blank=True)

    # Which deadline reminders were already sent (0: none, 75: at 75%, 100: at the deadline).
    reminder_stage = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change: the compare-and-set that makes one of two simultaneous actions win.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["agency", "state"], name="case_agency_state"),
            models.Index(fields=["state", "due_at"], name="case_state_due"),
            # Lets the indicator read a submission's case state without visiting the case row.
            models.Index(fields=["id", "state"], name="case_id_state"),
            # The open cases alone, by deadline, with the groups the metrics count them by: "overdue
            # now" per agency, category or ward, the backlog and the overdue list read this small index.
            models.Index(fields=["due_at"], include=["id", "agency", "category", "ward"],
                         condition=models.Q(state__in=OPEN_STATES), name="case_open_due"),
            # Some agencies' cases of a period (a supervisor's figures, today's live part of them).
            models.Index(fields=["agency", "submitted_at"], name="case_agency_submitted"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def answer_published(self):
        """The citizen and the public may read the answer: answered or closed, not a draft or reopened."""
        return self.state in ANSWER_PUBLISHED_STATES and self.answered_at is not None

    # --- transitions: no I/O here; workflow.services calls them and does the rest -------------

    @transition(state, source=State.SUBMITTED, target=State.ASSIGNED, permission=perm.can_receive)
    def route(self, *, agency, now, handling_due_at, return_due_at):
        self.agency = agency
        self.received_at = self.received_at or now
        self.assigned_at = now
        self.handling_due_at = handling_due_at
        self.return_due_at = return_due_at
        self.due_at = return_due_at

    @transition(state, source=RESUMABLE_STATES, target=State.NEEDS_INFO, permission=perm.can_request_info)
    def request_info(self, *, now, remaining_seconds):
        self.resume_state = self.state
        self.received_at = self.received_at or now
        self.paused_at = now
        self.paused_remaining_seconds = remaining_seconds
        self.due_at = None

    @transition(state, source=State.NEEDS_INFO, target=RETURN_VALUE(*RESUMABLE_STATES), permission=perm.can_provide_info)
    def provide_info(self, *, due_at):
        target = self.resume_state or State.SUBMITTED
        self._resume(due_at)
        return target

    def _resume(self, due_at):
        if self.resume_state == State.IN_PROGRESS:
            self.handling_due_at = due_at
        else:
            self.reception_due_at = due_at
        self.due_at = due_at
        self.paused_at = None
        self.paused_remaining_seconds = None
        self.resume_state = ""

    @transition(state, source=State.SUBMITTED, target=State.REJECTED, permission=perm.can_receive)
    def reject(self, *, reason_code, message, now):
        self.reject_reason_code = reason_code
        self.reject_message = message
        self.received_at = self.received_at or now
        self.due_at = None

    @transition(state, source=OPEN_STATES, target=State.MERGED, conditions=[rules.is_not_its_own_target],
                permission=perm.can_receive)
    def merge(self, *, into, now):
        self.merged_into = into
        self.received_at = self.received_at or now
        self.due_at = None

    @transition(state, source=State.ASSIGNED, target=State.IN_PROGRESS, permission=perm.is_handling_officer)
    def accept(self, *, now):
        # The return window keeps running after acceptance: a case that is not the agency's
        # must still go back within it.
        self.due_at = self.handling_due_at

    @transition(state, source=(State.ASSIGNED, State.IN_PROGRESS), target=State.SUBMITTED,
                conditions=[rules.return_window_is_open], permission=perm.is_handling_officer)
    def return_to_reception(self, *, reception_due_at):
        self.agency = None
        self.assigned_at = None
        self.handling_due_at = None
        self.return_due_at = None
        self.reception_due_at = reception_due_at
        self.due_at = reception_due_at
        self.extension_requested_days = None

    @transition(state, source=(State.ASSIGNED, State.IN_PROGRESS), target=State.ASSIGNED,
                permission=perm.can_transfer)
    def transfer(self, *, agency, now, handling_due_at, return_due_at):
        self.agency = agency
        self.assigned_at = now
        self.handling_due_at = handling_due_at
        self.return_due_at = return_due_at
        self.due_at = return_due_at

    @transition(state, source=State.IN_PROGRESS, target=RETURN_VALUE(State.PENDING_APPROVAL, State.ANSWERED),
                permission=perm.is_handling_officer)
    def answer_case(self, *, text, now):
        self.answer = text
        if self.agency.requires_approval:
            return State.PENDING_APPROVAL
        self._publish_answer(now)
        return State.ANSWERED

    def _publish_answer(self, now):
        self.answered_at = now
        self.answered_on_time = self.handling_due_at is None or now <= self.handling_due_at
        self.due_at = None

    @transition(state, source=State.PENDING_APPROVAL, target=State.ANSWERED, permission=perm.is_supervisor_of_case)
    def approve(self, *, now):
        self._publish_answer(now)

    @transition(state, source=State.PENDING_APPROVAL, target=State.IN_PROGRESS, permission=perm.is_supervisor_of_case)
    def send_back(self):
        pass

    @transition(state, source=State.IN_PROGRESS, target=State.IN_PROGRESS,
                conditions=[rules.has_no_extension_yet], permission=perm.is_handling_officer)
    def request_extension(self, *, days, reason):
        self.extension_requested_days = days
        self.extension_reason = reason

    @transition(state, source=State.IN_PROGRESS, target=State.IN_PROGRESS,
                conditions=[rules.has_pending_extension_request], permission=perm.is_supervisor_of_case)
    def grant_extension(self, *, handling_due_at):
        self.extension_granted_days = self.extension_requested_days
        self.handling_due_at = handling_due_at
        self.due_at = handling_due_at

    @transition(state, source=State.IN_PROGRESS, target=State.IN_PROGRESS,
                conditions=[rules.has_pending_extension_request], permission=perm.is_supervisor_of_case)
    def refuse_extension(self):
        # The request is answered and the deadline stands; the agency may ask again, better argued.
        self.extension_requested_days = None
        self.extension_reason = ""

    @transition(state, source=State.ANSWERED, target=State.IN_PROGRESS,
                conditions=[rules.was_never_reopened, rules.rating_window_is_open], permission=perm.can_reopen)
    def reopen(self, *, now, handling_due_at):
        self.reopened_at = now
        self.answered_at = None
        self.answered_on_time = None
        self.handling_due_at = handling_due_at
        self.due_at = handling_due_at
        self.reminder_stage = 0
        self.escalated_at = None

    @transition(state, source=State.ANSWERED, target=State.CLOSED, permission=perm.can_close)
    def close(self, *, now):
        self.closed_at = now

    @transition(state, source=OPEN_STATES, target=State.WITHDRAWN, permission=perm.can_withdraw)
    def withdraw(self, *, now):
        self.withdrawn_at = now
        self.due_at = None


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ")
    CITIZEN = "citizen", _("Người dân")
    SYSTEM = "system", _("Hệ thống")


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Case events are append-only.")

    def delete(self):
        raise TypeError("Case events are append-only.")


class CaseEvent(models.Model):
    """Append-only log of every change to a case: who, when, from, to, why, on what device."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    device_class = models.CharField(max_length=10, default="unknown")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(db_index=True)
    # How long the step that this event ends took, in working and calendar seconds.
    step_working_seconds = models.IntegerField(null=True, blank=True)
    step_calendar_seconds = models.IntegerField(null=True, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Officials' actions from mobile in a period (metrics).
            models.Index(fields=["actor_kind", "created_at", "device_class"], name="event_actor_period_device"),
        ]
        verbose_name = _("sự kiện")
        verbose_name_plural = _("nhật ký xử lý")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")


class CasePhoto(models.Model):
    """A result photo attached to an answer (the same pipeline as citizens' photos)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="result_photos")
    image = models.ImageField(upload_to="results/%Y/%m/", db_index=True)
    thumbnail = models.ImageField(upload_to="results/%Y/%m/thumbs/", db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

