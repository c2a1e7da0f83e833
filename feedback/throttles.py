"""Per-client-address limits on what anyone may send without signing in."""
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class PublicScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, reading the rates when a request comes in rather than at import,
    so a change to ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` applies without a restart."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802 (DRF's attribute name)
        return api_settings.DEFAULT_THROTTLE_RATES
