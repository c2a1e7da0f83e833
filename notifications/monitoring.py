"""What notifications tell an operator on ``/metrics`` (the backlog of ``notifications.health``) and
how many live sockets this worker holds (also on ``/readyz``). Registered from
``NotificationsConfig.ready``."""
from collections import Counter

from core import health
from core.monitoring import register_gauge
from notifications.health import backlog, push_figures

# Open sockets in this process, by consumer (``inbox``, ``feedback``); the event loop is one thread.
open_sockets = Counter()


def register():
    health.register("websockets", lambda: {"this_worker": sum(open_sockets.values())})
    register_gauge("pakn_outbox_messages", "Email/SMS in the outbox waiting (pending) or given up on (failed)",
                   lambda: _by_status(backlog(), "messages"), labels=("status",))
    register_gauge("pakn_notification_intents", "Notifications waiting to be rendered (pending) or given up on",
                   lambda: _by_status(backlog(), "intents"), labels=("status",))
    register_gauge("pakn_outbox_oldest_pending_age_seconds",
                   "Age of the oldest notification or message still waiting to be rendered or sent",
                   lambda: backlog()["oldest_pending_age_seconds"])
    health.register("push", push_figures)
    register_gauge("pakn_push_messages", "Web Push messages waiting (pending), given up on (failed), or to browsers gone",
                   lambda: {(status,): figure for status, figure in push_figures().items()
                            if status in ("pending", "failed", "gone")}, labels=("status",))
    register_gauge("pakn_push_subscriptions", "Browsers subscribed to Web Push, by whose they are",
                   lambda: {(audience,): n for audience, n in push_figures()["subscriptions"].items()},
                   labels=("audience",))
    register_gauge("pakn_websocket_connections", "Live-update sockets open on this worker",
                   lambda: {(kind,): open_sockets.get(kind, 0) for kind in ("inbox", "feedback")},
                   labels=("consumer",))


def _by_status(figures, kind):
    return {("pending",): figures[f"{kind}_pending"], ("failed",): figures[f"{kind}_failed"]}
