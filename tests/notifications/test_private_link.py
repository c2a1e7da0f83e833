"""The submitter's messages carry their private link, which no stored row holds in clear."""
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.db import connection

from core.sealing import seal, unseal
from feedback import services
from notifications.links import PRIVATE_LINK
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_sweep
from tests.factories import make_submission
from tests.feedback import post_json, procedure_json
from workflow.actors import staff_actor
from workflow.models import Submission
from workflow.services import case_request_info

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PAKN_PUBLIC_BASE_URL = "https://pakn.example.vn"


def submit(client, world):
    body = post_json(client, procedure_json(world)).json()
    key = parse_qs(urlsplit(body["private_url"]).query)["key"][0]
    return Submission.objects.get(tracking_code=body["tracking_code"]), key


def every_stored_text():
    """Every text column of every row of the project's tables, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith(("feedback_", "notifications_", "workflow_", "core_")):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(str(value) for row in cursor.fetchall() for value in row if isinstance(value, str))
    return "\n".join(chunks)


def test_the_confirmation_email_and_sms_carry_the_private_link_that_no_row_stores(client, world, sms_outbox, settings):
    settings.PAKN_SMS_ONLY_AS_FALLBACK = False  # both channels' links are read here
    feedback, key = submit(client, world)
    expected = f"https://pakn.example.vn/theo-doi/{feedback.tracking_code}/?key={key}"

    stored = OutboxMessage.objects.filter(kind="received")
    assert stored.count() == 2
    assert all(PRIVATE_LINK in m.body_text for m in stored)
    assert key not in every_stored_text()

    outbox_sweep()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    email = mail.outbox[-1]
    assert expected in email.body
    assert f'href="{expected}"' in email.alternatives[0].content
    assert expected in sms_outbox[-1]["text"] and len(sms_outbox[-1]["text"]) <= 160
    assert key not in every_stored_text()  # sending wrote nothing back


def test_a_request_for_information_links_to_the_page_where_the_citizen_answers(client, world):
    feedback, key = submit(client, world)
    mail.outbox.clear()
    case_request_info(case=feedback.case, actor=staff_actor(world.receptionist), message="Số nhà cụ thể?")
    outbox_sweep()
    assert any(f"?key={key}" in m.body for m in mail.outbox)


def test_without_its_secret_the_message_goes_with_the_public_link(client, world, settings):
    feedback, key = submit(client, world)
    # Delivered later than the rotation: the row waits again, the secret changes, then the sweep.
    OutboxMessage.objects.update(status=OutboxStatus.PENDING, attempts=0)
    mail.outbox.clear()
    settings.SECRET_KEY = "another-secret-after-a-rotation-without-fallback"
    outbox_sweep()
    body = mail.outbox[-1].body
    assert key not in body and PRIVATE_LINK not in body
    assert f"https://pakn.example.vn/phan-anh/{feedback.tracking_code}/" in body


def test_a_rotated_secret_key_still_opens_with_the_fallback(client, world, settings):
    feedback, key = submit(client, world)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-secret-key", [old]
    assert services.private_link(feedback).endswith(f"?key={key}")


def test_a_sealed_key_does_not_open_for_another_submission(world):
    token = seal("khoa-bi-mat", purpose="feedback.private-key:BN-2612-0001")
    assert unseal(token, purpose="feedback.private-key:BN-2612-0001") == "khoa-bi-mat"
    assert unseal(token, purpose="feedback.private-key:BN-2612-0002") is None
    assert unseal(token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                  purpose="feedback.private-key:BN-2612-0001") is None
    assert unseal("", purpose="x") is None and unseal("v1.???", purpose="x") is None
    old = make_submission(category=world.category)  # made before keys were sealed
    assert services.private_link(old) is None


def test_a_replayed_submission_keeps_one_sealed_key(client, world):
    first = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY="same-key-123").json()
    again = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY="same-key-123").json()
    assert first["private_url"] == again["private_url"]
    feedback = Submission.objects.get()
    assert services.private_link(feedback).endswith(urlsplit(first["private_url"]).query)


def test_an_english_speaking_submitter_gets_the_link_in_english(client, world):
    body = post_json(client, procedure_json(world), HTTP_ACCEPT_LANGUAGE="en").json()
    key = parse_qs(urlsplit(body["private_url"]).query)["key"][0]
    outbox_sweep()
    email = mail.outbox[-1]
    assert f"Your private page, to add information and rate the answer (do not share this link): " \
           f"https://pakn.example.vn/theo-doi/{body['tracking_code']}/?key={key}" in email.body
    assert "Open your private page" in email.alternatives[0].content


def test_the_logging_sms_backend_never_logs_the_key(caplog):
    from notifications.sms import LoggingSmsBackend

    with caplog.at_level("INFO", logger="notifications.sms"):
        LoggingSmsBackend().send(to="0912345678", text="PAKN: https://pakn.example.vn/theo-doi/BN-1/?key=abcDEF_12-x")
    assert "abcDEF_12-x" not in caplog.text and "/theo-doi/BN-1/?key=…" in caplog.text
    assert "0912345678" not in caplog.text
