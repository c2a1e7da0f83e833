"""Per-client-address limits, one budget whether a client uses the API or the pages.

The scopes and their rates are declared in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. Public
reads have two budgets because they guard against different things:

- ``lookups`` (``PAKN_LOOKUP_RATE``, tight): reads that name a case by its tracking code (the public
  page, its API and the lookup form share it), so codes cannot be guessed faster through one door
  than another;
- ``public_reads`` (``PAKN_PUBLIC_READ_RATE``, generous): reads by place and public figures (the
  nearby search the form makes as the pin moves, the public map and statistics), which name no case
  and only show what is already public.
"""
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
