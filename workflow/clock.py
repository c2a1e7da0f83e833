"""The workflow's clock: what "now" is for the rules of the state machine.

django-fsm calls a transition's conditions with the case alone, so a condition that depends on
the time (the return window, the rating window) reads the time here. A service given an explicit
``now`` (history laid down by ``seed_demo``, a job replaying a moment, a test) sets it for the
duration of that one transition with ``clock.at(now)``; everywhere else it is ``timezone.now()``.
The setting is scoped to the current thread or task (a context variable), never process-wide.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_moment = ContextVar("workflow_clock_moment", default=None)


def now():
    return _moment.get() or timezone.now()


@contextmanager
def at(moment):
    """Inside the block, ``now()`` is ``moment`` (``None`` leaves the real time)."""
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
