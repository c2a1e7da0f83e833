"""Choices per person: a submitter turns email and SMS on or off for their case (on the private page,
or from the link in an email), staff pick kinds of notice for the bell and for push."""
import json
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from feedback.services import email_unsubscribe_url, seal_private_key
from notifications.models import OutboxMessage, OutboxStatus, PushSubscription, StaffNoticeSettings
from notifications.outbox import outbox_sweep
from notifications.preferences import kinds_for, staff_settings_save
from notifications.push_messages import CITIZEN_TEXTS
from notifications.rules import CITIZEN, RULES, staff_kinds
from notifications.services import STAFF_TITLES
from tests.factories import make_submission
from workflow.actors import staff_actor
from workflow.models import Submission
from notifications.intents import intents_sweep
from workflow.services import case_accept, case_request_info, case_route

pytestmark = pytest.mark.django_db

CODE, KEY = "BN-2612-0100", "khoa-rieng-0100"


@pytest.fixture
def submission(world):
    return make_submission(category=world.category, tracking_code=CODE, key=KEY, contact_email="hoa@example.vn",
                           contact_phone="0912345678", private_key_sealed=seal_private_key(CODE, KEY))


def choose(client, channel, on, key=KEY):
    return client.post(f"/theo-doi/{CODE}/", {"action": "notify", "key": key, "channel": channel, "on": "1" if on else "0"})


def chosen():
    return Submission.objects.values_list("notify_email", "notify_sms").get(tracking_code=CODE)


# --- the submitter --------------------------------------------------------------------------------

def test_the_private_page_shows_the_channels_and_turns_each_off_in_one_tap(client, submission):
    page = client.get(f"/theo-doi/{CODE}/", {"key": KEY}).content.decode()
    assert 'id="notify"' in page and "Tắt email" in page and "Tắt SMS" in page
    response = choose(client, "sms", False)
    assert response.status_code == 303 and response["Location"] == f"/theo-doi/{CODE}/?key={KEY}#notify"
    assert chosen() == (True, False)
    page = client.get(response["Location"]).content.decode()
    assert "Đã ngừng gửi SMS về phản ánh này." in page and "Nhận SMS" in page
    choose(client, "email", False)
    choose(client, "sms", True)
    assert chosen() == (False, True)


def test_a_wrong_key_changes_nothing(client, submission):
    assert choose(client, "email", False, key="wrong").status_code == 404
    assert chosen() == (True, True)


def test_a_channel_without_a_contact_cannot_be_chosen(client, world):
    make_submission(category=world.category, tracking_code=CODE, key=KEY, contact_email="hoa@example.vn")
    response = client.post(f"/theo-doi/{CODE}/", {"action": "notify", "key": KEY, "channel": "sms", "on": "0"},
                           follow=True)
    assert "Phản ánh này không có kênh liên lạc đó." in response.content.decode()
    assert chosen() == (True, True)


def test_a_submitter_who_turned_email_off_gets_no_email_even_one_already_written(
        client, world, submission, sms_outbox, django_capture_on_commit_callbacks):
    choose(client, "email", False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
    assert mail.outbox == []
    assert [s["to"] for s in sms_outbox] == ["0912345678"]  # nothing else reaches them now

    # An email written before the choice is not sent after it.
    choose(client, "email", True)
    case_accept(case=submission.case, actor=staff_actor(world.officer))
    with django_capture_on_commit_callbacks(execute=False):  # written, not yet sent
        case_request_info(case=submission.case, actor=staff_actor(world.officer), message="Số nhà?")
    intents_sweep()
    assert OutboxMessage.objects.get(kind="info_requested", channel="email").status == OutboxStatus.PENDING
    choose(client, "email", False)
    outbox_sweep()
    assert mail.outbox == []
    assert OutboxMessage.objects.get(kind="info_requested", channel="email").status == OutboxStatus.SKIPPED


# --- the link in an email -------------------------------------------------------------------------

def test_every_email_carries_a_one_click_way_to_stop(world, submission, django_capture_on_commit_callbacks, settings):
    settings.PAKN_PUBLIC_BASE_URL = "https://pakn.bacninh.gov.vn"
    mail.outbox.clear()
    # The link is signed with the second it was made in: the clock stands still so that the link
    # computed here is the one the email got, not one a second later.
    with time_machine.travel(timezone.now(), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
        link = email_unsubscribe_url(submission)
    (email,) = mail.outbox
    assert link.startswith("https://pakn.bacninh.gov.vn/thong-bao/ngung-email/")
    assert f"Ngừng nhận email về phản ánh này: {link}" in email.body
    assert f'href="{link}"' in email.alternatives[0].content
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_opening_the_link_asks_and_one_tap_stops_emails(client, submission):
    path = urlsplit(email_unsubscribe_url(submission)).path
    page = client.get(path)
    assert page.status_code == 200 and "Ngừng nhận email về phản ánh này" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert chosen() == (True, True)  # a mail scanner opening the link changes nothing
    done = client.post(path, {"on": "0"})
    assert "Đã ngừng gửi email về phản ánh này." in done.content.decode() and chosen() == (False, True)
    client.post(path, {"on": "1"})
    assert chosen() == (True, True)


def test_a_mail_apps_one_click_unsubscribe_works_without_a_cookie(submission):
    from django.test import Client

    mail_app = Client(enforce_csrf_checks=True)
    response = mail_app.post(urlsplit(email_unsubscribe_url(submission)).path, "List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and chosen() == (False, True)


def test_a_forged_link_opens_nothing(client, submission):
    token = urlsplit(email_unsubscribe_url(submission)).path.rstrip("/").rsplit("/", 1)[1]
    for path in (f"/thong-bao/ngung-email/{token[:-2]}xx/", "/thong-bao/ngung-email/abc/"):
        assert client.get(path).status_code == 404
        assert client.post(path, {"on": "0"}).status_code == 404
    assert chosen() == (True, True)


# --- staff ----------------------------------------------------------------------------------------

def test_the_settings_page_is_for_staff(client, world):
    response = client.get("/notifications/cai-dat/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    client.force_login(world.nobody)
    assert client.get("/notifications/cai-dat/").status_code == 403
    assert client.post("/notifications/cai-dat/", {"in_app": []}).status_code == 403
    assert not StaffNoticeSettings.objects.exists()


def test_each_person_is_offered_the_notices_their_roles_can_bring(world):
    assert "returned" in kinds_for(world.receptionist) and "assigned" not in kinds_for(world.receptionist)
    assert "assigned" in kinds_for(world.officer) and "escalated" not in kinds_for(world.officer)
    assert {"assigned", "escalated", "approval_needed"} <= set(kinds_for(world.supervisor))


def test_a_staff_member_saves_their_choices_on_the_page(client, world):
    client.force_login(world.officer)
    page = client.get("/notifications/cai-dat/").content.decode()
    assert "Hồ sơ mới chuyển đến" in page and "Hồ sơ bị cơ quan trả lại" not in page
    offered = kinds_for(world.officer)
    response = client.post("/notifications/cai-dat/", {"in_app": [k for k in offered if k != "reminder"],
                                                       "push": ["assigned"], "quiet_hours": ""})
    assert response.status_code == 302
    choices = StaffNoticeSettings.objects.get(user=world.officer)
    assert choices.muted_in_app == ["reminder"]
    assert choices.muted_push == sorted(set(offered) - {"assigned"})
    assert choices.quiet_hours is False


def test_a_kind_not_offered_keeps_its_earlier_choice(world):
    StaffNoticeSettings.objects.create(user=world.officer, muted_push=["returned"])
    staff_settings_save(user=world.officer, in_app=kinds_for(world.officer), push=kinds_for(world.officer),
                        quiet_hours=True)
    assert StaffNoticeSettings.objects.get(user=world.officer).muted_push == ["returned"]


def test_one_button_stops_push_on_every_browser(client, world):
    for n in range(2):
        PushSubscription.objects.create(endpoint=f"https://fcm.googleapis.com/fcm/send/{n}", endpoint_hash=str(n),
                                        p256dh="x", auth="y", user=world.officer, created_at=timezone.now())
    client.force_login(world.officer)
    assert "Thông báo đẩy của bạn đang đến 2 trình duyệt." in client.get("/notifications/cai-dat/").content.decode()
    client.post("/notifications/cai-dat/", {"action": "stop_push"})
    assert not PushSubscription.objects.exists()


# --- one declaration each -----------------------------------------------------------------------------

def test_every_kind_of_citizen_message_has_its_push_text():
    citizen_kinds = {notice.kind for notices in RULES.values() for notice in notices if notice.audience == CITIZEN}
    assert citizen_kinds == set(CITIZEN_TEXTS)


def test_every_kind_of_staff_notice_has_its_title():
    assert set(staff_kinds()) == set(STAFF_TITLES)


def test_the_push_payload_is_json_with_the_contract_fields():
    from notifications.push_messages import citizen_payload

    payload = json.loads(citizen_payload(kind="answered", tracking_code=CODE, language="vi", url="[[private-link]]"))
    assert {"title", "body", "tracking_code", "url"} <= set(payload)
