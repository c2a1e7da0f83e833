"""What notifications tell an operator: the outbox's backlog (``/readyz``, ``/metrics``) and how
many live sockets this worker holds. Registered from ``NotificationsConfig.ready``."""
from collections import Counter

from django.conf import settings

from core.health import register_section
from core.monitoring import register_gauge
from notifications.selectors import outbox_backlog

# Open sockets in this process, by consumer (``inbox``, ``feedback``); the event loop is one thread.
open_sockets = Counter()


def outbox_section():
    """The backlog, flagged when a message was given up on or the oldest waits too long."""
    backlog = outbox_backlog()
    backlog["problem"] = bool(backlog["failed"]) or \
        backlog["oldest_pending_age_seconds"] > settings.PAKN_OUTBOX_ALERT_SECONDS
    return backlog


def register():
    register_section("outbox", outbox_section)
    register_section("websockets", lambda: {"this_worker": sum(open_sockets.values())})
    register_gauge("pakn_outbox_messages", "Email/SMS in the outbox waiting (pending) or given up on (failed)",
                   lambda: _by_status(outbox_backlog()), labels=("status",))
    register_gauge("pakn_outbox_oldest_pending_age_seconds", "Age of the oldest message still waiting to be sent",
                   lambda: outbox_backlog()["oldest_pending_age_seconds"])
    register_gauge("pakn_websocket_connections", "Live-update sockets open on this worker",
                   lambda: {(kind,): open_sockets.get(kind, 0) for kind in ("inbox", "feedback")},
                   labels=("consumer",))


def _by_status(backlog):
    return {("pending",): backlog["pending"], ("failed",): backlog["failed"]}
