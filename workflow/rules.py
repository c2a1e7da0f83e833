"""Conditions of the case state machine: small pure functions that read as sentences.

They look only at the case and the clock (``workflow.clock``: a service given an explicit ``now``
sets it), never at the database, so available transitions can be listed for a page of cases
without extra queries.
"""
from datetime import timedelta

from django.conf import settings

from workflow import clock


def is_not_its_own_target(case):
    return case.merged_into_id != case.pk


def return_window_is_open(case):
    """An agency may hand back a case that is not theirs only within the return window."""
    return case.return_due_at is None or clock.now() <= case.return_due_at


def has_no_extension_yet(case):
    return case.extension_requested_days is None and case.extension_granted_days is None


def has_pending_extension_request(case):
    return case.extension_requested_days is not None and case.extension_granted_days is None


def was_never_reopened(case):
    return case.reopened_at is None


def rating_window_closes_at(case):
    if case.answered_at is None:
        return None
    return case.answered_at + timedelta(days=settings.PAKN_RATING_WINDOW_DAYS)


def rating_window_is_open(case):
    closes_at = rating_window_closes_at(case)
    return closes_at is not None and clock.now() <= closes_at
