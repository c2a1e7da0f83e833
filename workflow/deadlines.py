"""Deadlines of a case's steps, from the policies and the working calendar; and when a case is overdue.

A step's limit comes from the most specific active ``DeadlinePolicy`` (see
``workflow/models/policies.py`` for the defaults when none applies). Every "due at" of a step is
one of ``reception_due``, ``handling_due`` or ``return_due``; whether a case is overdue is
``overdue_q`` in SQL and ``is_overdue`` in Python, written side by side from one definition and
tested against each other (``tests/workflow/test_deadlines.py``). Working-time arithmetic itself
lives in ``workflow.working_time``.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from workflow.models import OPEN_STATES, DeadlinePolicy, Priority
from workflow.models.policies import default_handling_hours, default_reception_hours, default_return_hours
from workflow.working_time import get_calendar


@dataclass(frozen=True)
class Limits:
    reception_hours: Decimal
    handling_hours: Decimal
    return_hours: Decimal


def default_limits(priority) -> Limits:
    return Limits(default_reception_hours(), default_handling_hours(priority), default_return_hours())


def limits_for(*, category, priority) -> Limits:
    """The most specific active policy: this category and priority, then any category."""
    policies = DeadlinePolicy.objects.filter(is_active=True, priority=priority, category__in=[category]) \
        | DeadlinePolicy.objects.filter(is_active=True, priority=priority, category__isnull=True)
    policy = sorted(policies, key=lambda p: p.category_id is None)[:1]
    if policy:
        p = policy[0]
        return Limits(p.reception_hours, p.handling_hours, p.return_hours)
    return default_limits(priority)


def limits_of(case) -> Limits:
    return limits_for(category=case.category, priority=case.priority)


def largest_limit_hours() -> Decimal:
    """The longest any step may be given, by the active policies or the defaults."""
    hours = [value for policy in DeadlinePolicy.objects.filter(is_active=True)
             for value in (policy.reception_hours, policy.handling_hours, policy.return_hours)]
    hours += [getattr(default_limits(priority), f"{step}_hours") for priority in Priority
              for step in ("reception", "handling", "return")]
    return max(Decimal(value) for value in hours)


# --- when a step is due --------------------------------------------------------------------------

def reception_due(start, limits: Limits):
    """Reception must route, reject or ask by then."""
    return after_working_hours(start, limits.reception_hours)


def handling_due(start, limits: Limits):
    """The agency must answer by then (a granted extension moves it later)."""
    return after_working_hours(start, limits.handling_hours)


def return_due(start, limits: Limits):
    """An agency may hand back a case that is not theirs until then."""
    return after_working_hours(start, limits.return_hours)


# --- overdue: one definition, in SQL and in Python ------------------------------------------------

def overdue_q(now, prefix: str = "") -> Q:
    """Open cases whose current deadline has passed (``prefix`` e.g. ``"case__"``)."""
    return Q(**{f"{prefix}state__in": OPEN_STATES}) & past_due_q(now, prefix)


def past_due_q(now, prefix: str = "") -> Q:
    """The deadline part of ``overdue_q``, for rows already known to be open (a count over open
    cases then reads no column the partial index of open cases lacks)."""
    return Q(**{f"{prefix}due_at__lt": now})


def is_overdue(case, now) -> bool:
    """``overdue_q`` for one case in memory."""
    return case.state in OPEN_STATES and case.due_at is not None and case.due_at < now


# --- working time ------------------------------------------------------------------------------------

def after_working_hours(start, hours):
    return get_calendar().add_working_seconds(start, int(Decimal(hours) * 3600))


def after_working_days(start, days):
    return get_calendar().add_working_days(start, days)


def working_seconds_between(start, end):
    return get_calendar().working_seconds_between(start, end)


def working_seconds_left(now, due_at):
    """Working time left before a deadline; negative when it has passed."""
    if due_at is None:
        return None
    if now <= due_at:
        return working_seconds_between(now, due_at)
    return -working_seconds_between(due_at, now)
