"""What the transparency pages and their API answer from: Django's cache (Redis when configured,
so every worker shares one copy).

Two kinds of entries:

* those that follow changes (the public map and its list): their keys carry a *generation* that
  moves on whenever a case is opened or changes (``bump``, wired to the workflow's
  ``case_changed``), so a new case is on the map at once; they also expire after
  ``PAKN_PUBLIC_MAP_CACHE_SECONDS``;
* those that only expire (the province's figures, ``PAKN_PUBLIC_STATS_CACHE_SECONDS``): computing
  every agency's figures costs far more than a map, and a province's yearly figures need not move
  with each step of each case; the page says when they were computed.

A cache that is down (Redis gone) only means computing each time: ``IGNORE_EXCEPTIONS`` is set for
Redis, and a value that cannot be stored is still returned.
"""
import hashlib
import json
from uuid import uuid4

from django.core.cache import cache

_GENERATION_KEY = "pakn:public:generation"


def generation() -> str:
    value = cache.get(_GENERATION_KEY)
    if value is None:
        # add(), not set(): another worker may have just made one; take theirs.
        cache.add(_GENERATION_KEY, uuid4().hex, timeout=None)
        # A cache that keeps nothing yields a new generation each time: never a stale answer.
        value = cache.get(_GENERATION_KEY) or uuid4().hex
    return value


def bump(**_signal_arguments) -> None:
    """Every entry that follows changes is stale from now on (a case was opened or changed)."""
    cache.set(_GENERATION_KEY, uuid4().hex, timeout=None)


def _key(name, params, follows_changes):
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    prefix = generation() if follows_changes else "fixed"
    return f"pakn:public:{name}:{prefix}:{digest}"


def cached(name: str, params: dict, compute, *, seconds: int, follows_changes: bool):
    """``compute()``'s value for ``name`` and ``params`` (JSON-able), from the cache when there."""
    key = _key(name, params, follows_changes)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value
