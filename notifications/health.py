"""What ``/healthz`` and ``/readyz`` say about notifications: work waiting, how long the oldest has
waited, and work that gave up.

A failed row is something nobody was told: the administrator sees them in the admin (filter
"failed", action "try again"); a growing pending count or an old waiting message means the worker
or the sweep is not running. Either is flagged as a ``problem`` for the operator.
"""
from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from notifications.models import IntentStatus, NotificationIntent, OutboxMessage, OutboxStatus


def _counts(model, pending, failed, now):
    figures = model.objects.aggregate(pending=Count("pk", filter=Q(status=pending)),
                                      failed=Count("pk", filter=Q(status=failed)),
                                      oldest=Min("created_at", filter=Q(status=pending)))
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
