"""The outbox: email and SMS rendered after the change that causes them, then delivered.

Nothing is lost: a message is a row before anyone tries to send it, and a failed or never-started
delivery stays ``pending`` until the sweep picks it up. Nothing is sent twice: a delivery claims
the row and marks it sent in the same transaction (``notifications.retry``).
"""
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import retry
from notifications.email import send_email
from notifications.links import with_link
from notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from notifications.sms import get_sms_backend

log = logging.getLogger(__name__)


def outbox_write(messages):
    """Store messages (unsaved ``OutboxMessage``s) unless their dedupe key exists; returns the new ids.

    Queue their delivery with ``outbox_kick_on_commit``.
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


def outbox_deliver(*, message_id, now=None):
    """Send one due message if nobody else is; returns its status afterwards, or None if skipped."""
    return retry.attempt(OutboxMessage, message_id, now=now or timezone.now(), work=_send, finish=_record_success,
                         hidden=lambda message: (message.to,))


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


def outbox_sweep(*, now=None, limit=500):
    """Deliver every due pending message (oldest first, at most ``limit``); returns how many were sent."""
    now = now or timezone.now()
    due = retry.due_ids(OutboxMessage, now=now, limit=limit)
    return sum(1 for message_id in due if outbox_deliver(message_id=message_id, now=now) == OutboxStatus.SENT)
