"""Keeps the stored aggregates up to date: every case an event or a submission was written for is
refreshed once its transaction commits (``metrics.store.refresh_cases``), in the process that made
the change: a few indexed queries per day and agency touched, and no queue that could lose one.

The cases marked in this thread wait in one set; the first after-commit callback refreshes them
all and the others find nothing left. A case marked in a transaction that rolled back is refreshed
with the next batch, which changes nothing (a refresh recomputes from the raw tables).
Inside ``workflow.signals.muted()`` nothing arrives here: whoever writes with the bus muted (the
demo's history) rebuilds the store afterwards (``manage.py metrics_rebuild``).
"""
import threading

from django.db import transaction

from metrics import store

_local = threading.local()


def _pending():
    if not hasattr(_local, "case_ids"):
        _local.case_ids = set()
    return _local.case_ids


def _flush():
    pending = _pending()
    case_ids = set(pending)
    pending.clear()
    if case_ids:
        store.refresh_cases(case_ids)


def _mark(case_id):
    _pending().add(case_id)
    transaction.on_commit(_flush)


def on_event_recorded(sender, event, **kwargs):
    _mark(event.case_id)


def on_submission_recorded(sender, submission, **kwargs):
    _mark(submission.case_id)
