"""What notifications tell an operator on ``/metrics`` (the backlog of ``notifications.health``), how
many live sockets this worker holds and how late its event loop runs (also on ``/readyz``).
Registered from ``NotificationsConfig.ready``."""
import asyncio
from collections import Counter

from core import health
from core.monitoring import register_gauge
from notifications.health import backlog, push_figures

# Open sockets in this process, by consumer (``inbox``, ``feedback``); the event loop is one thread.
open_sockets = Counter()


class LoopLag:
    """How late the event loop that serves the sockets wakes a task that asked to sleep 0.1 s: the
    worst since the figure was last read (so each scrape sees the worst of its interval). Started
    by the first socket; an idle loop shows about 0."""

    INTERVAL = 0.1

    def __init__(self):
        self.worst = 0.0
        self._task = None

    def ensure_watching(self):
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self):
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.INTERVAL)
            self.worst = max(self.worst, loop.time() - started - self.INTERVAL)

    def take(self):
        worst, self.worst = self.worst, 0.0
        return worst


loop_lag = LoopLag()


def register():
    health.register("websockets", lambda: {"this_worker": sum(open_sockets.values()),
                                           "event_loop_lag_ms": round(loop_lag.take() * 1000, 1)})
    register_gauge("pakn_event_loop_lag_seconds", "Worst lateness of this worker's event loop since the last read",
                   loop_lag.take)
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
