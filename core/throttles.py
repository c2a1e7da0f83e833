"""Per-client-address limits, one budget whether a client uses the API or the pages."""
from types import SimpleNamespace

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class PublicScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, reading the rates when a request comes in rather than at import,
    so a change to ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` applies without a restart."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802 (DRF's attribute name)
        return api_settings.DEFAULT_THROTTLE_RATES


def over_limit(request, scope):
    """Whether this HTML request exceeds the API's limit for ``scope`` (and count it if not)."""
    return not PublicScopedThrottle().allow_request(request, SimpleNamespace(throttle_scope=scope))
