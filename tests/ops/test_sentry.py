"""Error reports to Sentry carry the error and the request id, and nothing that identifies a citizen."""
import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from core.sentry import init_sentry


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    init_sentry(dsn="https://public@sentry.example.invalid/1", transport=transport)
    yield transport.events
    sentry_sdk.init()  # no DSN: reporting off again for the other tests


@pytest.mark.urls("tests.ops.failing_urls")
def test_an_error_report_has_the_error_and_request_id_but_no_personal_data(client, db, sentry_events):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "session-cookie-value"

    response = client.post(
        "/ops-test/fail/?key=private-key-of-the-citizen",
        {"contact_name": "Nguyễn Thị Hoa", "contact_phone": "0912345678", "contact_email": "hoa@example.vn"},
        HTTP_X_REQUEST_ID="req-sentry-000001", HTTP_AUTHORIZATION="Token staff-token-value",
        HTTP_X_FORWARDED_FOR="203.0.113.7")
    sentry_sdk.flush()

    assert response.status_code == 500
    (event,) = sentry_events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-sentry-000001"
    assert "/ops-test/fail/" in event["transaction"]
    sent = json.dumps(event, ensure_ascii=False)
    for secret in ("private-key-of-the-citizen", "Nguyễn Thị Hoa", "0912345678", "hoa@example.vn",
                   "session-cookie-value", "staff-token-value", "203.0.113.7"):
        assert secret not in sent
