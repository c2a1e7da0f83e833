"""What ``/healthz`` says about notifications: work waiting, and work that gave up.

A failed row is something nobody was told: the administrator sees them in the admin (filter
"failed", action "try again"); a growing pending count means the worker or the sweep is not
running.
"""
from django.db.models import Count, Q

from notifications.models import IntentStatus, NotificationIntent, OutboxMessage, OutboxStatus


def _counts(model, pending, failed):
    return model.objects.aggregate(pending=Count("pk", filter=Q(status=pending)),
                                   failed=Count("pk", filter=Q(status=failed)))


def backlog():
    intents = _counts(NotificationIntent, IntentStatus.PENDING, IntentStatus.FAILED)
    messages = _counts(OutboxMessage, OutboxStatus.PENDING, OutboxStatus.FAILED)
    return {"intents_pending": intents["pending"], "intents_failed": intents["failed"],
            "messages_pending": messages["pending"], "messages_failed": messages["failed"]}
