"""Deadlines of a case's steps, from the policies and the working calendar.

Defaults: reception within 8 working hours; handling within 5 working days (urgent:
4 working hours; complex: 15 working days); a return within 1 working day. The administrator can
override any of them per category and priority with a ``DeadlinePolicy``.
"""
from dataclasses import dataclass
from decimal import Decimal

from workflow.models import DeadlinePolicy, Priority
from workflow.working_time import get_calendar

WORKING_DAY_HOURS = Decimal("7.5")
DEFAULT_HANDLING_HOURS = {
    Priority.NORMAL: 5 * WORKING_DAY_HOURS,
    Priority.URGENT: Decimal(4),
    Priority.COMPLEX: 15 * WORKING_DAY_HOURS,
}


@dataclass(frozen=True)
class Limits:
    reception_hours: Decimal
    handling_hours: Decimal
    return_hours: Decimal


def limits_for(*, category, priority) -> Limits:
    """The most specific active policy: this category and priority, then any category."""
    policies = DeadlinePolicy.objects.filter(is_active=True, priority=priority, category__in=[category]) \
        | DeadlinePolicy.objects.filter(is_active=True, priority=priority, category__isnull=True)
    policy = sorted(policies, key=lambda p: p.category_id is None)[:1]
    if policy:
        p = policy[0]
        return Limits(p.reception_hours, p.handling_hours, p.return_hours)
    return Limits(Decimal(8), DEFAULT_HANDLING_HOURS[priority], WORKING_DAY_HOURS)


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
