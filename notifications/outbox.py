"""The outbox: email, SMS and Web Push rendered after the change that causes them, then delivered.

Nothing is lost: a message is a row before anyone tries to send it, and a failed or never-started
delivery stays ``pending`` until the sweep picks it up (a push service that is down only delays
it). Nothing is sent twice: a delivery claims the row and marks it sent in the same transaction
(``notifications.retry``).

A push goes to one browser. When its push service says the browser is gone (404/410), the
subscription is removed and the row ends ``gone``. An SMS ``held`` in reserve for the same message
(``PAKN_SMS_ONLY_AS_FALLBACK``) is skipped once a push is delivered, and released to be sent when
every push of the message is gone or given up on: the person still hears, once.
"""
import json
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from feedback.services import email_unsubscribe_url
from notifications import push, retry
from notifications.email import send_email
from notifications.links import with_link
from notifications.models import OutboxChannel, OutboxMessage, OutboxStatus, PushSubscription
from notifications.sms import get_sms_backend
from notifications.subscriptions import push_forget_browser

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
    return retry.attempt(OutboxMessage, message_id, now=now or timezone.now(), work=_send, finish=_record_outcome,
                         hidden=_hidden, gave_up=_gave_up)


def _hidden(message):
    """What an error text must not quote: the recipient's address, or a push's endpoint (its ``to`` is
    only the push service's host, which helps whoever reads the error)."""
    if message.channel != OutboxChannel.PUSH:
        return (message.to,)
    subscription = message.push_subscription if message.push_subscription_id else None
    return (subscription.endpoint,) if subscription else ()


def _send(message):
    """Send one message; a citizen's private link is written in now, never stored (links.py)."""
    fallback = _public_link(message)

    def ready(text):
        return with_link(text, message.submission, fallback=fallback)
    if message.channel == OutboxChannel.PUSH:
        message.gone = not _push(message, ready)
    elif not _still_wanted(message):
        message.unwanted = True
    elif message.channel == OutboxChannel.EMAIL:
        send_email(to=message.to, subject=message.subject, text=ready(message.body_text),
                   html=ready(message.body_html), headers=_email_headers(message))
    else:
        backend = get_sms_backend()
        if backend is None:  # queued before the gateway was removed: keep it, failed, for the record
            raise RuntimeError("no SMS gateway is configured (PAKN_SMS_BACKEND)")
        backend.send(to=message.to, text=ready(message.body_text))


def _still_wanted(message):
    """The submitter may have turned the channel off since the message was written."""
    submission = message.submission
    if submission is None:
        return True
    return submission.notify_email if message.channel == OutboxChannel.EMAIL else submission.notify_sms


def _push(message, ready):
    """Push to the message's browser: True when its push service took it, False when the browser is
    gone (unsubscribed here since the row was written, or 404/410 now: then forgotten)."""
    subscription = message.push_subscription if message.push_subscription_id else None
    if subscription is None:
        return False
    payload = json.loads(message.body_text)
    payload["url"] = ready(payload.get("url") or "")
    try:
        push.send(endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth,
                  payload=json.dumps(payload, ensure_ascii=False),
                  # A citizen's news is rare and awaited: delivered at once even to a phone saving power.
                  urgency="high" if message.submission_id else "normal")
    except push.SubscriptionGone:
        push_forget_browser(subscription.endpoint_hash)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return True


def _email_headers(message):
    """A citizen's email says how to stop them in one click (RFC 8058), for mail apps that offer it."""
    url = _unsubscribe_url(message)
    if not url:
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _unsubscribe_url(message):
    return email_unsubscribe_url(message.submission) if message.submission is not None else ""


def _public_link(message):
    if message.submission is None:
        return settings.PAKN_PUBLIC_BASE_URL
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + reverse("feedback:public",
                                                               args=[message.submission.tracking_code])


def _record_outcome(message, now):
    if getattr(message, "unwanted", False):
        message.status, message.last_error = OutboxStatus.SKIPPED, ""
        message.save(update_fields=["status", "last_error"])
        log.info("outbox: %s message %s not sent, the recipient turned the channel off", message.channel, message.pk)
        return
    if getattr(message, "gone", False):
        message.status, message.last_error = OutboxStatus.GONE, ""
        message.save(update_fields=["status", "last_error"])
        log.info("outbox: push %s not sent, the browser unsubscribed (%s)", message.pk, message.kind)
        _release_fallback(message, now)
        return
    message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    log.info("outbox: sent %s message %s (%s)", message.channel, message.pk, message.kind)
    if message.channel == OutboxChannel.PUSH:
        _skip_fallback(message)


def _gave_up(message, now):
    if message.channel == OutboxChannel.PUSH:
        _release_fallback(message, now)


# --- the SMS held in reserve while a push is on its way ------------------------------------------

def _held_fallback(message):
    if not message.message_key:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(message_key=message.message_key, status=OutboxStatus.HELD)


def _skip_fallback(message):
    """A push reached the person: the SMS kept in reserve is not needed."""
    _held_fallback(message).update(status=OutboxStatus.SKIPPED)


def _release_fallback(message, now):
    """No push of this message can reach the person any more: send the SMS kept in reserve."""
    held = _held_fallback(message)
    if not held.exists():
        return
    others = OutboxMessage.objects.filter(message_key=message.message_key, channel=OutboxChannel.PUSH,
                                          status__in=[OutboxStatus.PENDING, OutboxStatus.SENT]).exclude(pk=message.pk)
    if others.exists():
        return
    ids = list(held.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.PENDING, next_attempt_at=now)
    log.info("outbox: no push reached the recipient of %s; its SMS goes instead", message.message_key)
    outbox_kick_on_commit(ids)


def outbox_sweep(*, now=None, limit=500):
    """Deliver every due pending message (oldest first, at most ``limit``); returns how many were sent."""
    now = now or timezone.now()
    due = retry.due_ids(OutboxMessage, now=now, limit=limit)
    return sum(1 for message_id in due if outbox_deliver(message_id=message_id, now=now) == OutboxStatus.SENT)


def outbox_forget(*, submission_id, addresses):
    """A submitter's contact data was erased: erase the copies the outbox keeps of it.

    Messages to those addresses about that submission, and the pushes to the browsers that followed
    it, lose their address and their text (the kind, status and dates stay, for delivery
    statistics); those not yet sent (waiting, or an SMS held in reserve) never will be.
    """
    addresses = [a for a in addresses if a]
    # Rows name their submission; older rows only in their dedupe key (…:email:<submission id>).
    about = Q(submission_id=submission_id) | Q(dedupe_key__endswith=f":{submission_id}")
    rows = OutboxMessage.objects.filter(Q(to__in=addresses) | Q(channel=OutboxChannel.PUSH), about)
    rows.filter(status__in=(OutboxStatus.PENDING, OutboxStatus.HELD)).update(
        status=OutboxStatus.FAILED, last_error="contact data erased before sending")
    return rows.update(to="", subject="", body_text="", body_html="")
