"""Error reports to Sentry (``SENTRY_DSN``), with no personal data in them (Nghị định 13/2023).

Sentry's own defaults already leave out cookies, the user and client addresses
(``send_default_pii=False``); on top of that no request body, query string (a private link's key
lives there), header or frame variables are sent, and fields named like contact data or keys are
scrubbed wherever they appear. Each event carries the request id to find its log lines.
"""
import re

import sentry_sdk
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from core.request_id import current_request_id

PERSONAL_FIELDS = [
    "key", "private_key", "token", "authorization", "contact_name", "contact_phone", "contact_email",
    "first_name", "last_name", "email", "phone", "address", "latitude", "longitude", "lat", "long",
    "description", "message", "answer", "comment", "subscription", "endpoint",
]
_KEY_IN_URL = re.compile(r"([?&](?:key|token)=)[^&#]*")


def _strip_request(request):
    request.pop("data", None)
    request.pop("cookies", None)
    request.pop("query_string", None)
    request.pop("env", None)
    request["headers"] = {name: value for name, value in (request.get("headers") or {}).items()
                          if name.lower() in ("content-type", "content-length", "user-agent", "x-request-id")}
    if "url" in request:
        request["url"] = _KEY_IN_URL.sub(r"\1[Filtered]", request["url"].split("?")[0])


def before_send(event, hint):
    """Last pass over every event: the request reduced to what cannot identify a citizen."""
    if isinstance(event.get("request"), dict):
        _strip_request(event["request"])
    event.pop("user", None)
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(*, dsn, environment="production", release=None, traces_sample_rate=0.0, transport=None):
    options = {}
    if transport is not None:  # tests capture events instead of sending them
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn, environment=environment, release=release, traces_sample_rate=traces_sample_rate,
        # send_default_pii stays at its default, False, in the 2.x series pinned in pyproject.toml
        # (naming it is deprecated there; 3.x collects more by default and needs data_collection).
        include_local_variables=False, max_request_body_size="never",
        event_scrubber=EventScrubber(denylist=DEFAULT_DENYLIST + PERSONAL_FIELDS, recursive=True,
                                     pii_denylist=DEFAULT_PII_DENYLIST),
        before_send=before_send, before_send_transaction=before_send, **options,
    )
