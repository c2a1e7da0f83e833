"""Open311's budgets: GETs per client address (``OPEN311_GET_RATE``), POSTs per client (its own rate).

DRF's rate throttle does the counting (in the cache, shared by every worker when REDIS_URL is
set); a request over budget is ``core.errors.Throttled`` (429, with how long to wait).
"""
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from core.errors import Throttled


class _Budget(SimpleRateThrottle):
    """A rate for one scope, counted per ``ident`` (default: the client address)."""

    def __init__(self, scope, rate, ident=None):
        self.scope, self._rate, self.ident = scope, rate, ident
        super().__init__()

    def get_rate(self):
        return self._rate

    def get_cache_key(self, request, view):
        ident = self.ident if self.ident is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _spend(request, budget):
    if not budget.allow_request(request, None):
        wait = budget.wait()
        seconds = max(int(wait or 1), 1)
        raise Throttled(_("Quá số yêu cầu cho phép. Vui lòng thử lại sau %(s)d giây.") % {"s": seconds},
                        wait_seconds=seconds)


def spend_get(request):
    """One read from this client address (the address the proxies report, as for the API)."""
    _spend(request, _Budget("open311_get", settings.OPEN311_GET_RATE))


def spend_post(request, client):
    """One request filed by ``client``, within the client's own rate."""
    _spend(request, _Budget("open311_post", client.post_rate, ident=client.pk))
