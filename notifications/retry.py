"""Work kept as rows until it is done: outbox messages to send, notification intents to render.

Both kinds of row carry ``status`` (pending → done, or failed after the last attempt),
``attempts``, ``next_attempt_at`` and ``last_error``. One attempt claims the row
(``select_for_update(skip_locked=True)`` on PostgreSQL; a compare-and-set on ``attempts``
everywhere, which also serialises SQLite writers), does the work in a savepoint and records the
outcome in the same transaction: done at most once, and a failure is rolled back, kept with its
reason and tried again after a growing delay.
"""
import logging
import os
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F

PENDING, FAILED = "pending", "failed"
log = logging.getLogger(__name__)


def retry_delay(attempts):
    """Exponential backoff: base, 2×base, 4×base … capped."""
    base = settings.PAKN_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.PAKN_OUTBOX_RETRY_MAX_SECONDS))


def _claim(model, pk, now):
    row = model.objects.select_for_update(skip_locked=True).filter(pk=pk, status=PENDING, next_attempt_at__lte=now).first()
    if row is None:
        return None
    claimed = model.objects.filter(pk=pk, status=PENDING, attempts=row.attempts).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    row.attempts += 1
    return row


def describe(exc, hidden=()):
    """The error class and its words, with anything in ``hidden`` (addresses, names) taken out,
    and the line that raised it."""
    text = f"{exc.__class__.__name__}: {exc}"
    for value in hidden:
        if value:
            text = text.replace(value, "<recipient>")
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        text += f" [{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}]"
    return text[:500]


def _record_failure(row, exc, now, hidden, gave_up):
    row.last_error = describe(exc, hidden)
    if row.attempts >= settings.PAKN_OUTBOX_MAX_ATTEMPTS:
        row.status = FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
    row.save(update_fields=["status", "last_error", "next_attempt_at"])
    log.warning("%s %s attempt %d failed (%s): %s", row._meta.model_name, row.pk, row.attempts, row.status,
                row.last_error)
    if row.status == FAILED and gave_up is not None:
        gave_up(row, now)


def attempt(model, pk, *, now, work, finish, hidden=lambda row: (), gave_up=None):
    """Claim row ``pk`` if it is due and nobody else has it, ``work(row)``, then ``finish(row, now)``;
    after the last failed attempt, ``gave_up(row, now)`` (in the same transaction).

    Returns the row's status afterwards, or None when it was not ours to try.
    """
    try:
        with transaction.atomic():
            row = _claim(model, pk, now)
            if row is None:
                return None
            try:
                with transaction.atomic():  # a failure takes back only what the work wrote
                    work(row)
            except Exception as exc:  # any failure: keep the row, say why, try again later
                _record_failure(row, exc, now, hidden(row), gave_up)
            else:
                finish(row, now)
            return row.status
    except OperationalError as exc:  # SQLite: another worker holds the database; it has the row
        if "locked" not in str(exc):
            raise
        return None


def due_ids(model, *, now, limit):
    """Pending rows whose next attempt is due, oldest first (none while SQLite is busy elsewhere)."""
    due = (model.objects.filter(status=PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    try:
        return list(due)
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return []


def try_again(rows, *, now):
    """Put failed rows back in the queue for a full new round of attempts; returns how many."""
    return rows.filter(status=FAILED).update(status=PENDING, attempts=0, next_attempt_at=now)
