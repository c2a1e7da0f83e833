"""What ``/healthz`` and ``/readyz`` say about notifications: work waiting, how long the oldest has
waited, and work that gave up.

A failed row is something nobody was told: the administrator sees them in the admin (filter
"failed", action "try again"); a growing pending count or an old waiting message means the worker
or the sweep is not running. Either is flagged as a ``problem`` for the operator.
"""
from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from notifications.models import IntentStatus, NotificationIntent, OutboxChannel, OutboxMessage, OutboxStatus, PushSubscription


def _counts(model, pending, failed, now):
    # A row never tried that is not due yet waits by design (a reminder's push kept for office
    # hours), not because anything is stuck: it does not age the backlog.
    waiting = Q(status=pending) & ~Q(attempts=0, next_attempt_at__gt=now)
    figures = model.objects.aggregate(pending=Count("pk", filter=Q(status=pending)),
                                      failed=Count("pk", filter=Q(status=failed)),
                                      oldest=Min("created_at", filter=waiting))
    oldest = figures.pop("oldest")
    figures["oldest_pending_age_seconds"] = round((now - oldest).total_seconds()) if oldest else 0
    return figures


def backlog(now=None):
    now = now or timezone.now()
    intents = _counts(NotificationIntent, IntentStatus.PENDING, IntentStatus.FAILED, now)
    messages = _counts(OutboxMessage, OutboxStatus.PENDING, OutboxStatus.FAILED, now)
    oldest = max(intents["oldest_pending_age_seconds"], messages["oldest_pending_age_seconds"])
    return {"intents_pending": intents["pending"], "intents_failed": intents["failed"],
            "messages_pending": messages["pending"], "messages_failed": messages["failed"],
            "oldest_pending_age_seconds": oldest,
            "problem": bool(intents["failed"] or messages["failed"]) or oldest > settings.PAKN_OUTBOX_ALERT_SECONDS}


def push_figures():
    """Web Push on ``/readyz``: whether a key is configured, browsers subscribed, pushes waiting and
    given up on (a push service that is down shows as a growing ``pending``)."""
    from notifications.push import vapid_keys

    pushes = OutboxMessage.objects.filter(channel=OutboxChannel.PUSH).aggregate(
        pending=Count("pk", filter=Q(status=OutboxStatus.PENDING)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
        gone=Count("pk", filter=Q(status=OutboxStatus.GONE)))
    browsers = PushSubscription.objects.aggregate(citizens=Count("pk", filter=Q(submission__isnull=False)),
                                                  staff=Count("pk", filter=Q(user__isnull=False)))
    return {"configured": vapid_keys() is not None, "subscriptions": browsers, **pushes,
            "held_sms": OutboxMessage.objects.filter(status=OutboxStatus.HELD).count()}
