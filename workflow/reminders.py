"""Deadline reminders: at 75% of a step's working time, and at its deadline (with escalation).

Not a transition: the state does not change and no event is written (an event would cut the
step-duration measure of the next real transition). What is recorded is ``Case.reminder_stage``
(0 → 75 → 100) and, once overdue (``workflow.deadlines.is_overdue``), ``escalated_at``, both by a compare-and-set UPDATE that also
checks the state and the deadline did not move, so a reminder is sent once even when two sweeps
run at once. ``workflow.signals.deadline_stage_recorded`` goes out in the transaction (what must be
told is written with the stage) and ``deadline_reached(case, stage)`` after commit.

A step's allowance is the working time its policy gives it (reception, return window, handling
plus a granted extension); the clock's position is the working time left before ``due_at``, so a
pause in needs_info keeps its place. A stage above what the current step has reached belongs to an
earlier step (a route, an accept, a granted extension moved the deadline): it is reset, and the new
step gets its own reminders.
"""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workflow import deadlines
from workflow.models import Case, State
from workflow.services import MAX_EXTENSION_DAYS
from workflow.signals import deadline_reached, deadline_stage_recorded
from workflow.working_time import get_calendar

STAGE_NONE, STAGE_REMINDER, STAGE_DEADLINE = 0, 75, 100
REMINDER_SHARE = Decimal("0.25")  # the reminder goes out when a quarter of the allowance is left
CLOCK_STATES = (State.SUBMITTED, State.ASSIGNED, State.IN_PROGRESS, State.PENDING_APPROVAL)


def step_allowance_seconds(case, limits):
    """Working seconds the current step allows, from the policy (and the extension granted)."""
    if case.state == State.SUBMITTED:
        hours = limits.reception_hours
    elif case.state == State.ASSIGNED:
        hours = limits.return_hours
    else:
        hours = limits.handling_hours
    extension = (case.extension_granted_days or 0) * get_calendar().working_day_seconds
    return int(Decimal(hours) * 3600) + extension


def stage_reached(case, *, now, limits):
    """100 once the case is overdue, 75 once no more than a quarter of the allowance is left, else 0."""
    if case.due_at is None:
        return STAGE_NONE
    if deadlines.is_overdue(case, now):
        return STAGE_DEADLINE
    left = deadlines.working_seconds_left(now, case.due_at)
    return STAGE_REMINDER if left <= step_allowance_seconds(case, limits) * REMINDER_SHARE else STAGE_NONE


def _horizon(now):
    """Latest deadline that could already be in its last quarter: beyond it no case needs a look."""
    seconds = int(deadlines.largest_limit_hours() * 3600) + MAX_EXTENSION_DAYS * get_calendar().working_day_seconds
    return get_calendar().add_working_seconds(now, int(seconds * REMINDER_SHARE)) + timedelta(seconds=1)


def cases_due_for_a_look(now):
    """Open cases with a running clock that may have crossed a stage, or carry a stale one."""
    return (Case.objects.filter(state__in=CLOCK_STATES, due_at__isnull=False)
            .filter(Q(reminder_stage__lt=STAGE_DEADLINE, due_at__lte=_horizon(now))
                    | Q(reminder_stage__gt=STAGE_NONE, due_at__gt=now))
            .select_related("agency", "category").order_by("due_at", "pk"))


def case_set_reminder_stage(*, case, stage, now):
    """Compare-and-set the stage; True if this call moved it (then the signal goes out on commit)."""
    changes = {"reminder_stage": stage}
    if stage == STAGE_DEADLINE:
        changes["escalated_at"] = now
    with transaction.atomic():
        moved = Case.objects.filter(pk=case.pk, state=case.state, due_at=case.due_at,
                                    reminder_stage=case.reminder_stage).update(**changes)
        if moved:
            case.reminder_stage = stage
            case.escalated_at = changes.get("escalated_at", case.escalated_at)
            if stage > STAGE_NONE:
                deadline_stage_recorded.send(sender=Case, case=case, stage=stage, now=now)
                deadline_reached.send_on_commit(sender=Case, case=case, stage=stage)
    return bool(moved)


def cases_send_deadline_reminders(*, now=None, limit=5000):
    """One pass over the clocks: send each reminder due (once), escalate at the deadline.

    Returns counts: ``reminded`` (75%), ``escalated`` (deadline), ``reset`` (stale stages cleared).
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "reset": 0}
    limits_cache = {}
    for case in cases_due_for_a_look(now)[:limit]:
        key = (case.category_id, case.priority)
        if key not in limits_cache:
            limits_cache[key] = deadlines.limits_of(case)
        stage = stage_reached(case, now=now, limits=limits_cache[key])
        if stage == case.reminder_stage:
            continue
        stale = stage < case.reminder_stage
        if not case_set_reminder_stage(case=case, stage=stage, now=now):
            continue  # someone acted on the case meanwhile; the next pass sees the new step
        if stale:
            counts["reset"] += 1
        if stage:
            counts["reminded" if stage == STAGE_REMINDER else "escalated"] += 1
    return counts
