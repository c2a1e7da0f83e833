"""The outbox: email and SMS written with the change that causes them, delivered after commit.

Nothing is lost: a message is a row before anyone tries to send it, and a failed or never-started
delivery stays ``pending`` until the sweep picks it up. Nothing is sent twice: a delivery claims
the row (``select_for_update(skip_locked=True)`` on PostgreSQL; a compare-and-set on ``attempts``
everywhere, which also serialises SQLite writers) and marks it sent in the same transaction.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from notifications.email import send_email
from notifications.links import with_link
from notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from notifications.sms import get_sms_backend

log = logging.getLogger(__name__)


def outbox_write(messages):
    """Store messages (unsaved ``OutboxMessage``s) unless their dedupe key exists; returns the new ids.

    Call inside the transaction of the change; queue delivery with ``outbox_kick_on_commit``.
    """
    if not messages:
        return []
    keys = [m.dedupe_key for m in messages]
    existing = set(OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    fresh = [m for m in messages if m.dedupe_key not in existing]
    OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
    return list(OutboxMessage.objects.filter(dedupe_key__in=[m.dedupe_key for m in fresh]).values_list("pk", flat=True))


def outbox_kick_on_commit(message_ids):
    """After commit, start delivering (a Celery task, or in-process without a broker)."""
    if message_ids:
        transaction.on_commit(lambda: _kick(message_ids))


def _kick(message_ids):
    from notifications.tasks import deliver_outbox_message

    for message_id in message_ids:
        try:
            deliver_outbox_message.delay(message_id)
        except Exception as exc:  # broker down: the row is pending, the sweep will send it
            log.warning("outbox: could not queue message %s (%s); the sweep will retry", message_id,
                        exc.__class__.__name__)


def retry_delay(attempts):
    """Exponential backoff: base, 2×base, 4×base … capped."""
    base = settings.PAKN_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.PAKN_OUTBOX_RETRY_MAX_SECONDS))


def outbox_deliver(*, message_id, now=None):
    """Send one due message if nobody else is; returns its status afterwards, or None if skipped."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            message = _claim(message_id, now)
            if message is None:
                return None
            try:
                _send(message)
            except Exception as exc:  # any gateway failure: keep the row, try again later
                _record_failure(message, exc, now)
            else:
                _record_success(message, now)
            return message.status
    except OperationalError as exc:  # SQLite: another sender holds the database; it has the row
        if "locked" not in str(exc):
            raise
        return None


def _claim(message_id, now):
    message = (OutboxMessage.objects.select_for_update(skip_locked=True)
               .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now).first())
    if message is None:
        return None
    claimed = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING,
                                           attempts=message.attempts).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    message.attempts += 1
    return message


def _send(message):
    """Send one message; a citizen's private link is written in now, never stored (links.py)."""
    fallback = _public_link(message)

    def ready(text):
        return with_link(text, message.submission, fallback=fallback)
    if message.channel == OutboxChannel.EMAIL:
        send_email(to=message.to, subject=message.subject, text=ready(message.body_text),
                   html=ready(message.body_html))
    else:
        get_sms_backend().send(to=message.to, text=ready(message.body_text))


def _public_link(message):
    if message.submission is None:
        return settings.PAKN_PUBLIC_BASE_URL
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + reverse("feedback:public",
                                                               args=[message.submission.tracking_code])


def _record_success(message, now):
    message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    log.info("outbox: sent %s message %s (%s)", message.channel, message.pk, message.kind)


def _record_failure(message, exc, now):
    message.last_error = _describe(exc, message.to)
    if message.attempts >= settings.PAKN_OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
    message.save(update_fields=["status", "last_error", "next_attempt_at"])
    log.warning("outbox: %s message %s attempt %d failed: %s", message.channel, message.pk, message.attempts,
                message.last_error)


def _describe(exc, address):
    """The error class and the gateway's words, with the recipient's address taken out."""
    text = f"{exc.__class__.__name__}: {exc}"
    if address:
        text = text.replace(address, "<recipient>")
    return text[:500]


def outbox_sweep(*, now=None, limit=500):
    """Deliver every due pending message (oldest first, at most ``limit``); returns how many were sent."""
    now = now or timezone.now()
    due = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    try:
        due = list(due)
    except OperationalError as exc:  # SQLite: another sender holds the table; it is sending them
        if "locked" not in str(exc):
            raise
        return 0
    return sum(1 for message_id in due if outbox_deliver(message_id=message_id, now=now) == OutboxStatus.SENT)
