"""Every change to a case, one function per transition: the only way a case's state changes.

Each ``case_<transition>`` runs in a transaction, locks the row and compare-and-sets its version
(so of two people acting at once exactly one wins and the other gets ``Conflict``), checks the
actor's permission, applies the django-fsm transition, saves only the changed fields, writes the
append-only event, and sends ``case_changed`` after commit. Views, the API, the admin, commands
and periodic jobs all call these. Each takes an optional ``now``: the moment the change happens
(the event's time, the deadlines' start, and the time the state machine's conditions see);
without it, the real time.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.photo_files import delete_files, store_image_files
from workflow import clock, deadlines, rules, transitions
from workflow.actors import CITIZEN, SYSTEM, SYSTEM_ACTOR
from workflow.models import Case, CaseEvent, CasePhoto, Priority, RejectReason, State
from workflow.signals import case_changed

log = logging.getLogger(__name__)

MAX_EXTENSION_DAYS = 15


# --- the one path every transition takes ------------------------------------------------------

def _snapshot(case):
    return {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}


def _changed_fields(case, before):
    return [f.name for f in case._meta.concrete_fields if getattr(case, f.attname) != before[f.attname]]


def _lock(case_id):
    try:
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the agency.
        return Case.objects.select_for_update(of=("self",)).select_related("agency", "category").get(pk=case_id)
    except Case.DoesNotExist:
        raise Conflict(_("Hồ sơ không còn tồn tại.")) from None


def transition_refusal(case, name, actor):
    """Why ``actor`` may not take transition ``name`` on ``case`` now, as the error to raise; None
    if they may. State and conditions first (409), then permission (403), then the declared
    refusal (409), which may read the database."""
    spec = transitions.get(name)
    method = getattr(case, spec.method)
    if not can_proceed(method):
        return Conflict(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": name, "state": case.get_state_display()},
            code="illegal_transition",
        )
    if not has_transition_perm(method, actor):
        return PermissionDenied()
    message = spec.refusal(case) if spec.refusal else None
    return Conflict(message, code="illegal_transition") if message else None


def ensure_transition_allowed(case, name, actor):
    refusal = transition_refusal(case, name, actor)
    if refusal is not None:
        raise refusal


def can_take(case, name, actor) -> bool:
    """Whether ``actor`` may take ``name`` on ``case`` now, by every rule the service applies."""
    return transition_refusal(case, name, actor) is None


def _claim_version(case):
    """Compare-and-set on the version: the second of two simultaneous actions finds it moved."""
    claimed = Case.objects.filter(pk=case.pk, version=case.version).update(version=case.version + 1)
    if not claimed:
        raise Conflict()
    case.version += 1


def _step_durations(case, now):
    last = case.events.order_by("-created_at", "-pk").values_list("created_at", flat=True).first()
    start = last or case.submitted_at
    return deadlines.working_seconds_between(start, now), int((now - start).total_seconds())


def _write_event(case, *, name, from_state, actor, now, message, data):
    working, calendar = _step_durations(case, now)
    return CaseEvent.objects.create(
        case=case, transition=name, from_state=from_state, to_state=case.state,
        actor=actor.user if actor.kind not in (CITIZEN, SYSTEM) else None, actor_kind=actor.kind,
        device_class=actor.device_class, agency=case.agency, message=message, data=data or {},
        is_public=transitions.EVENTS[name].public, created_at=now, step_working_seconds=working,
        step_calendar_seconds=calendar,
    )


def _announce(case, event):
    case_changed.send_on_commit(sender=Case, case=case, event=event)


def run_transition(*, case_id, actor, name, apply, message="", data=None, now=None):
    """Lock, check, apply ``apply(case, now)``, save, log and announce one transition."""
    field = transitions.text_field(name)
    check_text_length(message, field=field.name if field else "message",
                      limit=field.max_length if field else transitions.MESSAGE_MAX_LENGTH)
    now = now or timezone.now()
    try:
        with clock.at(now), transaction.atomic():
            case = _lock(case_id)
            ensure_transition_allowed(case, name, actor)
            from_state, before = case.state, _snapshot(case)
            _claim_version(case)
            apply(case, now)
            _record_step_times(case, from_state, now)
            case.save(update_fields=[*_changed_fields(case, before), "version", "updated_at"])
            event = _write_event(case, name=name, from_state=from_state, actor=actor, now=now,
                                 message=message, data=data)
            _announce(case, event)
    except ConcurrentTransition:
        raise Conflict() from None
    except OperationalError as exc:  # SQLite: another writer holds the database
        if "locked" not in str(exc):
            raise
        raise Conflict() from None
    return case


def _record_step_times(case, from_state, now):
    """Store intake and response times when those steps end, so metrics never recompute them."""
    if from_state == State.SUBMITTED and case.intake_working_seconds is None and case.state != State.WITHDRAWN:
        case.intake_working_seconds = deadlines.working_seconds_between(case.submitted_at, now)
        case.intake_calendar_seconds = int((now - case.submitted_at).total_seconds())
    if case.state in (State.ANSWERED, State.REJECTED) and from_state != case.state:
        case.response_working_seconds = deadlines.working_seconds_between(case.submitted_at, now)
        case.response_calendar_seconds = int((now - case.submitted_at).total_seconds())


def check_text_length(text, *, field, limit=transitions.MESSAGE_MAX_LENGTH):
    """Refuse a free text longer than ``limit`` characters, naming the field it was typed in."""
    if text and len(text) > limit:
        counts = {"limit": limit, "length": len(text)}
        raise ValidationFailed(fields={field: [_("Tối đa %(limit)s ký tự; nội dung đang có %(length)s ký tự.") % counts]})


def _require(value, field, message):
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(fields={field: [message]})
    return value.strip() if isinstance(value, str) else value


# --- opening ---------------------------------------------------------------------------------

def case_open(*, kind, category, title, ward=None, submitted_at=None, priority=Priority.NORMAL,
              device_class="unknown", event_data=None):
    """Open a case in ``submitted`` with its reception deadline; call inside the intake transaction.

    ``event_data`` (where it came from: channel, API client, officer who entered it) goes into the
    first event, so the case's log says how it arrived.
    """
    now = submitted_at or timezone.now()
    reception_due = deadlines.reception_due(now, deadlines.limits_for(category=category, priority=priority))
    case = Case.objects.create(kind=kind, category=category, ward=ward, title=title, priority=priority,
                               submitted_at=now, reception_due_at=reception_due, due_at=reception_due)
    event = CaseEvent.objects.create(case=case, transition="submit", from_state="", to_state=case.state,
                                     actor_kind=CITIZEN, device_class=device_class, data=event_data or {},
                                     created_at=now)
    _announce(case, event)
    return case


# --- reception -------------------------------------------------------------------------------

def _agency_deadlines(case, now):
    limits = deadlines.limits_of(case)
    return deadlines.handling_due(now, limits), deadlines.return_due(now, limits)


def case_route(*, case, actor, agency, message="", now=None):
    """Receive and route to an agency (routing rules only suggest; reception decides)."""
    if agency is None or not agency.is_active:
        raise ValidationFailed(fields={"agency": [_("Chọn cơ quan xử lý.")]})

    def apply(c, now):
        handling_due, return_due = _agency_deadlines(c, now)
        c.route(agency=agency, now=now, handling_due_at=handling_due, return_due_at=return_due)
    return run_transition(case_id=case.pk, actor=actor, name="route", apply=apply, message=message,
                          data={"agency": agency.code}, now=now)


def case_request_info(*, case, actor, message, now=None):
    """Ask the citizen for more; the step's deadline stops until they answer."""
    message = _require(message, "message", _("Nêu rõ thông tin cần bổ sung."))

    def apply(c, now):
        c.request_info(now=now, remaining_seconds=max(deadlines.working_seconds_left(now, c.due_at) or 0, 0))
    return run_transition(case_id=case.pk, actor=actor, name="request_info", apply=apply, message=message, now=now)


def case_provide_info(*, case, actor, message, now=None):
    message = _require(message, "message", _("Nhập thông tin bổ sung."))

    def apply(c, now):
        c.provide_info(due_at=deadlines.after_working_hours(now, (c.paused_remaining_seconds or 0) / 3600))
    return run_transition(case_id=case.pk, actor=actor, name="provide_info", apply=apply, message=message, now=now)


def case_reject(*, case, actor, reason_code, message, now=None):
    if reason_code not in RejectReason.values:
        raise ValidationFailed(fields={"reason_code": [_("Chọn lý do từ chối.")]})
    message = _require(message, "message", _("Nhập lời nhắn gửi người dân."))

    def apply(c, now):
        c.reject(reason_code=reason_code, message=message, now=now)
    return run_transition(case_id=case.pk, actor=actor, name="reject", apply=apply, message=message,
                          data={"reason_code": reason_code}, now=now)


def case_merge(*, case, actor, into, now=None):
    """Merge a duplicate: its submissions now follow ``into`` and get its answer."""
    if into is None or into.pk == case.pk:
        raise ValidationFailed(fields={"into": [_("Chọn một hồ sơ khác để gộp vào.")]})
    _ensure_can_absorb(into)
    data = {"into": into.pk}

    def apply(c, now):
        target = _lock(into.pk)
        _ensure_can_absorb(target)
        c.merge(into=target, now=now)
        # The merge's event names the submissions it hands on: their senders are told, and their
        # pages keep the steps they followed before (``feedback.selectors``).
        data["submissions"] = sorted(c.submissions.values_list("pk", flat=True))
        c.submissions.update(case=target)
        Case.objects.filter(merged_into=c).update(merged_into=target)
        # The surviving case changed too (new submitters follow it): its version, log and watchers.
        _claim_version(target)
        event = _write_event(target, name=transitions.MERGE_IN.name, from_state=target.state, actor=actor, now=now,
                             message="", data={"merged": c.pk})
        _announce(target, event)
    return run_transition(case_id=case.pk, actor=actor, name="merge", apply=apply, data=data, now=now)


def _ensure_can_absorb(case):
    if case.state in (State.MERGED, State.WITHDRAWN, State.REJECTED, State.CLOSED):
        raise Conflict(_("Không thể gộp vào hồ sơ đã kết thúc."), code="illegal_transition")


# --- the agency ------------------------------------------------------------------------------

def case_accept(*, case, actor, now=None):
    return run_transition(case_id=case.pk, actor=actor, name="accept", apply=lambda c, now: c.accept(now=now), now=now)


def case_return(*, case, actor, reason, now=None):
    """Hand back a case that is not the agency's; reception must route it again."""
    reason = _require(reason, "reason", _("Nêu lý do trả lại."))

    def apply(c, now):
        c.return_to_reception(reception_due_at=deadlines.reception_due(now, deadlines.limits_of(c)))
    return run_transition(case_id=case.pk, actor=actor, name="return", apply=apply, message=reason, now=now)


def case_transfer(*, case, actor, agency, reason, now=None):
    reason = _require(reason, "reason", _("Nêu lý do chuyển."))
    if agency is None or not agency.is_active:
        raise ValidationFailed(fields={"agency": [_("Chọn cơ quan xử lý.")]})
    if agency.pk == case.agency_id:
        raise ValidationFailed(fields={"agency": [_("Hồ sơ đang ở cơ quan này.")]})

    def apply(c, now):
        handling_due, return_due = _agency_deadlines(c, now)
        c.transfer(agency=agency, now=now, handling_due_at=handling_due, return_due_at=return_due)
    return run_transition(case_id=case.pk, actor=actor, name="transfer", apply=apply, message=reason,
                          data={"agency": agency.code}, now=now)


def case_answer(*, case, actor, answer, photos=(), now=None):
    """Draft or publish the answer (with result photos); approval first where the agency requires it.

    ``photos`` are ``core.images.ProcessedImage`` values; files written for a failed attempt are
    removed so nothing half-saved remains.
    """
    answer = _require(answer, "answer", _("Nhập nội dung trả lời."))
    written = []

    def apply(c, now):
        c.answer_case(text=answer, now=now)
        _drop_result_photos(c)  # a new draft replaces the photos of one sent back
        for image in photos:
            record = CasePhoto(case=c, width=image.width, height=image.height)
            store_image_files(record, image, written=written)
            record.save()
    try:
        return run_transition(case_id=case.pk, actor=actor, name="answer", apply=apply, message=answer, now=now)
    except BaseException:
        delete_files(written)
        raise


def _drop_result_photos(case):
    """Remove the answer's photos; their files go only once the change is committed."""
    names = [name for pair in case.result_photos.values_list("image", "thumbnail") for name in pair]
    if names:
        case.result_photos.all().delete()
        transaction.on_commit(lambda: delete_files(names))


def case_approve(*, case, actor, now=None):
    return run_transition(case_id=case.pk, actor=actor, name="approve", apply=lambda c, now: c.approve(now=now),
                          now=now)


def case_send_back(*, case, actor, reason, now=None):
    reason = _require(reason, "reason", _("Nêu lý do trả lại bản trả lời."))

    def apply(c, now):
        c.send_back()
        _drop_result_photos(c)  # the draft's photos must not be published with a later answer
    return run_transition(case_id=case.pk, actor=actor, name="send_back", apply=apply, message=reason, now=now)


def case_request_extension(*, case, actor, days, reason, now=None):
    reason = _require(reason, "reason", _("Nêu lý do gia hạn."))
    days = _extension_days(days)
    return run_transition(case_id=case.pk, actor=actor, name="request_extension", message=reason,
                          apply=lambda c, now: c.request_extension(days=days, reason=reason),
                          data={"days": days}, now=now)


def _extension_days(days):
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(fields={"days": [_("Số ngày gia hạn từ 1 đến %(n)d.") % {"n": MAX_EXTENSION_DAYS}]})
    return days


def case_grant_extension(*, case, actor, now=None):
    """Grant the one extension: the handling deadline moves by the requested working days."""
    def apply(c, now):
        c.grant_extension(handling_due_at=deadlines.after_working_days(c.handling_due_at or now,
                                                                        c.extension_requested_days))
    return run_transition(case_id=case.pk, actor=actor, name="grant_extension", apply=apply, now=now)


def case_refuse_extension(*, case, actor, reason, now=None):
    """Decline the extension asked for: the handling deadline stands, and the agency hears why."""
    reason = _require(reason, "reason", _("Nêu lý do không đồng ý gia hạn."))
    return run_transition(case_id=case.pk, actor=actor, name="refuse_extension",
                          apply=lambda c, now: c.refuse_extension(), message=reason, now=now)


# --- after the answer ------------------------------------------------------------------------

def case_reopen(*, case, actor, reason, now=None):
    """Reopen once, within the rating window, when the citizen is not satisfied."""
    reason = _require(reason, "reason", _("Nêu lý do mở lại."))

    return run_transition(case_id=case.pk, actor=actor, name="reopen", apply=_reopen, message=reason, now=now)


def _reopen(case, now):
    case.reopen(now=now, handling_due_at=deadlines.handling_due(now, deadlines.limits_of(case)))


def case_close(*, case, actor, message="", now=None):
    return run_transition(case_id=case.pk, actor=actor, name="close", apply=lambda c, now: c.close(now=now),
                          message=message, now=now)


def case_withdraw(*, case, actor, message="", now=None):
    """Withdraw before an answer; a case that several submissions share cannot be withdrawn for all
    (the declared refusal, checked on the locked row)."""
    return run_transition(case_id=case.pk, actor=actor, name="withdraw", message=message,
                          apply=lambda c, now: c.withdraw(now=now), now=now)


def case_rate(*, case, actor, rating, comment="", now=None):
    """The citizen rates the answer: dissatisfied within the window reopens once, otherwise it closes."""
    from workflow.models import Rating

    if rating not in Rating.values:
        raise ValidationFailed(fields={"rating": [_("Chọn: hài lòng, chấp nhận được hoặc không hài lòng.")]})
    check_text_length(comment, field="comment")
    if case.state != State.ANSWERED:
        raise Conflict(_("Chỉ đánh giá được hồ sơ đã có trả lời."), code="illegal_transition")
    now = now or timezone.now()
    with clock.at(now):
        reopen = rating == Rating.DISSATISFIED and rules.was_never_reopened(case) and rules.rating_window_is_open(case)

    def apply(c, now):
        c.rating, c.rating_comment, c.rated_at = rating, comment or "", now
        _reopen(c, now) if reopen else c.close(now=now)
    return run_transition(case_id=case.pk, actor=actor, name="reopen" if reopen else "close", apply=apply,
                          message=comment or "", data={"rating": rating}, now=now)


def cases_auto_close(*, now=None):
    """Close every answered case whose rating window has passed; returns how many closed."""
    now = now or timezone.now()
    window_opened_before = now - timedelta(days=settings.PAKN_RATING_WINDOW_DAYS)
    expired = Case.objects.filter(state=State.ANSWERED, answered_at__lt=window_opened_before).values_list("pk", flat=True)
    closed = 0
    for case_id in list(expired):
        try:
            case_close(case=Case(pk=case_id), actor=SYSTEM_ACTOR, message=_("Tự động đóng khi hết thời hạn đánh giá."),
                       now=now)
            closed += 1
        except (Conflict, PermissionDenied):
            continue  # someone acted on it meanwhile
    return closed
