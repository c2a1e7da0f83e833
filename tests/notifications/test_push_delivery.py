"""Web Push through the outbox: a push service on 127.0.0.1 receives each push, the test decrypts it
with the browser's keys (http_ece) and reads what the phone would show.

Written after commit with the intent's rendering, delivered with retries; a browser the push
service says is gone (404/410) is removed; a push service that is down delays but loses nothing;
nothing goes twice; an SMS waits in reserve and goes only when no push reaches the person.
"""
import json
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from feedback.services import seal_private_key
from notifications.models import Notification, OutboxMessage, OutboxStatus, PushSubscription
from notifications.outbox import outbox_sweep
from tests.factories import make_submission
from tests.notifications.push_service import BrowserKeys, PushService, vapid_claims
from workflow.actors import staff_actor
from workflow.services import case_accept, case_answer, case_request_info, case_route

pytestmark = pytest.mark.django_db

CODE, KEY = "BN-2612-0042", "khoa-rieng-cua-nguoi-gui-0042"
ANSWER = "Đã thay bóng đèn trước số 12 Lý Thái Tổ."
TITLE = "Đèn đường hỏng trước nhà bà Lan"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PAKN_PUBLIC_BASE_URL = "https://pakn.bacninh.gov.vn"


def submit(world, *, code=CODE, key=KEY, **contact):
    return make_submission(category=world.category, title=TITLE, tracking_code=code, key=key,
                           private_key_sealed=seal_private_key(code, key), **contact)


def follow(client, push_service, *, name="phone", code=CODE, key=KEY):
    """The citizen's phone subscribes through the API, as the private page does."""
    browser = BrowserKeys()
    response = client.post(f"/api/v1/feedback/{code}/push/",
                           json.dumps({"key": key, "subscription": browser.subscription(push_service.endpoint(name))}),
                           content_type="application/json")
    assert response.status_code == 201
    return browser


def answer(world, submission, capture):
    officer = staff_actor(world.officer)
    if submission.case.state == "submitted":
        case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
    case_accept(case=submission.case, actor=officer)
    mail.outbox.clear()
    with capture(execute=True):
        case_answer(case=submission.case, actor=officer, answer=ANSWER)


def pushes(kind="answered"):
    return OutboxMessage.objects.filter(channel="push", kind=kind)


def test_the_answer_reaches_the_subscribed_phone_encrypted_signed_and_without_sms(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks, settings):
    submission = submit(world, contact_phone="0912345678")
    phone = follow(client, push_service)
    answer(world, submission, django_capture_on_commit_callbacks)

    (push,) = push_service.delivered()
    headers = {name.lower(): value for name, value in push["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(settings.PAKN_PUSH_TTL_SECONDS) and headers["urgency"] == "high"
    claims = vapid_claims(headers["authorization"], vapid)
    assert claims["aud"] == f"http://127.0.0.1:{push_service.port}" and claims["sub"] == "mailto:pakn@bacninh.gov.vn"
    assert claims["exp"] > timezone.now().timestamp()

    shown = phone.decrypt(push["body"])
    assert shown == {
        "title": f"Phản ánh {CODE} đã có trả lời", "body": "Chạm để xem trả lời và đánh giá.", "tracking_code": CODE,
        "url": f"https://pakn.bacninh.gov.vn/theo-doi/{CODE}/?key={KEY}", "tag": f"pakn-{CODE}",
    }
    # The phone number's SMS waited in reserve and was not needed.
    assert sms_outbox == []
    assert dict(OutboxMessage.objects.filter(kind="answered").values_list("channel", "status")) == {
        "push": OutboxStatus.SENT, "sms": OutboxStatus.SKIPPED}
    assert PushSubscription.objects.get().last_sent_at is not None


def test_a_push_names_the_case_by_its_code_and_no_row_keeps_the_key(
        client, world, vapid, push_service, django_capture_on_commit_callbacks):
    submission = submit(world, contact_email="lan@example.vn")
    phone = follow(client, push_service)
    answer(world, submission, django_capture_on_commit_callbacks)
    shown = json.dumps(phone.decrypt(push_service.delivered()[0]["body"]), ensure_ascii=False)
    assert TITLE not in shown and ANSWER not in shown and "lan@example.vn" not in shown
    stored = pushes().get()
    assert KEY not in stored.body_text and "[[private-link]]" in stored.body_text
    assert stored.to == "127.0.0.1"  # the push service's host, never the endpoint
    # With an email too: the email and the push go, no SMS is even written.
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]


def test_an_english_submitter_reads_their_push_in_english(client, world, vapid, push_service,
                                                          django_capture_on_commit_callbacks):
    submission = submit(world, language="en")
    phone = follow(client, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        case_request_info(case=submission.case, actor=staff_actor(world.receptionist), message="Số nhà?")
    shown = phone.decrypt(push_service.delivered()[0]["body"])
    assert shown["title"] == f"Feedback {CODE}: more information needed"


def test_an_anonymous_submitter_hears_by_push_and_is_never_contacted_otherwise(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks):
    submission = submit(world, anonymous=True)
    phone = follow(client, push_service)
    answer(world, submission, django_capture_on_commit_callbacks)
    assert phone.decrypt(push_service.delivered()[0]["body"])["tracking_code"] == CODE
    assert mail.outbox == [] and sms_outbox == []
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["push"]


def test_every_browser_of_the_submitter_gets_it_once(client, world, vapid, push_service,
                                                     django_capture_on_commit_callbacks):
    submission = submit(world)
    phone, tablet = follow(client, push_service, name="phone"), follow(client, push_service, name="tablet")
    answer(world, submission, django_capture_on_commit_callbacks)
    assert phone.decrypt(push_service.delivered("phone")[0]["body"])["tracking_code"] == CODE
    assert tablet.decrypt(push_service.delivered("tablet")[0]["body"])["tracking_code"] == CODE
    assert len(push_service.received) == 2
    outbox_sweep(now=timezone.now() + timedelta(days=1))
    assert len(push_service.received) == 2


# --- gone browsers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [404, 410])
def test_a_browser_the_push_service_says_is_gone_is_removed_and_the_sms_goes_instead(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks, status):
    submission = submit(world, contact_phone="0912345678")
    follow(client, push_service)
    push_service.answers = [status]
    with django_capture_on_commit_callbacks(execute=True):
        case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)

    assert [push["status"] for push in push_service.received] == [status]
    assert not PushSubscription.objects.exists()
    assert pushes("routed").get().status == OutboxStatus.GONE
    assert [s["to"] for s in sms_outbox] == ["0912345678"]
    assert f"Phan anh {CODE} da duoc tiep nhan" in sms_outbox[0]["text"]
    # Gone is gone: the answer is not pushed, and is texted at once.
    sms_outbox.clear()
    submission.case.refresh_from_db()
    answer(world, submission, django_capture_on_commit_callbacks)
    assert len(push_service.received) == 1 and not pushes().exists()
    assert len(sms_outbox) == 1 and f"Phan anh {CODE} da co tra loi" in sms_outbox[0]["text"]


def test_a_browser_that_unsubscribes_before_its_push_goes_gets_nothing(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks):
    submission = submit(world, contact_phone="0912345678")
    follow(client, push_service)
    push_service.answers = [500]
    answer(world, submission, django_capture_on_commit_callbacks)
    client.delete(f"/api/v1/feedback/{CODE}/push/", json.dumps({"key": KEY, "endpoint": push_service.endpoint("phone")}),
                  content_type="application/json")
    later = timezone.now() + timedelta(hours=1)
    outbox_sweep(now=later)
    assert len(push_service.received) == 1
    assert pushes().get().status == OutboxStatus.GONE
    # The person turned push off: the SMS kept in reserve reaches them (on the sweep's next pass).
    assert outbox_sweep(now=later) == 1 and len(sms_outbox) == 1


# --- outages ----------------------------------------------------------------------------------------

def test_a_push_service_outage_delays_the_push_and_loses_nothing(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks):
    submission = submit(world, contact_phone="0912345678")
    phone = follow(client, push_service)
    push_service.answers = [500, 503]
    answer(world, submission, django_capture_on_commit_callbacks)

    row = pushes().get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error.startswith("PushFailed: 500") and "wpush" not in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    held = OutboxMessage.objects.get(channel="sms", kind="answered")
    assert held.status == OutboxStatus.HELD and sms_outbox == []

    later = timezone.now() + timedelta(minutes=2)
    assert outbox_sweep(now=later) == 0  # still down (503)
    assert outbox_sweep(now=later + timedelta(minutes=10)) == 1
    assert outbox_sweep(now=later + timedelta(hours=7)) == 0
    assert [push["status"] for push in push_service.received] == [500, 503, 201]
    assert phone.decrypt(push_service.delivered()[0]["body"])["title"] == f"Phản ánh {CODE} đã có trả lời"
    assert pushes().get().status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(pk=held.pk).status == OutboxStatus.SKIPPED and sms_outbox == []


def test_a_push_service_that_refuses_connections_then_comes_back_gets_the_push_exactly_once(
        client, world, vapid, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with socket.socket() as probe:  # a port nobody listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    phone = BrowserKeys()
    submission = submit(world)
    client.post(f"/api/v1/feedback/{CODE}/push/",
                json.dumps({"key": KEY, "subscription": phone.subscription(f"http://127.0.0.1:{port}/wpush/v2/phone")}),
                content_type="application/json")
    answer(world, submission, django_capture_on_commit_callbacks)
    row = pushes().get()
    assert row.status == OutboxStatus.PENDING and row.last_error.startswith("PushFailed: ConnectionError reaching 127.0.0.1")

    service = PushService(port=port)
    try:
        assert outbox_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
        assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 0
        (push,) = service.received
        assert phone.decrypt(push["body"])["url"].endswith(f"/theo-doi/{CODE}/?key={KEY}")
    finally:
        service.stop()


def test_a_push_given_up_on_releases_the_reserve_sms(
        client, world, vapid, push_service, settings, sms_outbox, django_capture_on_commit_callbacks):
    settings.PAKN_OUTBOX_MAX_ATTEMPTS = 2
    submission = submit(world, contact_phone="0912345678")
    follow(client, push_service)
    push_service.answers = [500, 500]
    answer(world, submission, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(minutes=5)
    outbox_sweep(now=later)
    assert pushes().get().status == OutboxStatus.FAILED
    assert OutboxMessage.objects.get(channel="sms").status == OutboxStatus.PENDING
    assert outbox_sweep(now=later) == 1
    assert len(sms_outbox) == 1 and PushSubscription.objects.exists()  # failed, not gone: kept


def test_without_a_vapid_key_the_push_waits_until_there_is_one(
        client, world, vapid, push_service, settings, django_capture_on_commit_callbacks):
    submission = submit(world)
    phone = follow(client, push_service)
    key = settings.PAKN_VAPID_PRIVATE_KEY
    settings.PAKN_VAPID_PRIVATE_KEY = ""
    answer(world, submission, django_capture_on_commit_callbacks)
    assert pushes().get().status == OutboxStatus.PENDING and push_service.received == []
    settings.PAKN_VAPID_PRIVATE_KEY = key
    assert outbox_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    assert phone.decrypt(push_service.delivered()[0]["body"])["tracking_code"] == CODE


def test_the_sms_goes_beside_the_push_where_the_province_sends_sms_anyway(
        client, world, vapid, push_service, settings, sms_outbox, django_capture_on_commit_callbacks):
    settings.PAKN_SMS_ONLY_AS_FALLBACK = False
    submission = submit(world, contact_phone="0912345678")
    follow(client, push_service)
    answer(world, submission, django_capture_on_commit_callbacks)
    assert len(push_service.delivered()) == 1 and len(sms_outbox) == 1


# --- staff ------------------------------------------------------------------------------------------

def staff_follow(client, push_service, user, name):
    browser = BrowserKeys()
    client.force_login(user)
    response = client.post("/api/v1/push/subscriptions/",
                           json.dumps({"subscription": browser.subscription(push_service.endpoint(name))}),
                           content_type="application/json")
    assert response.status_code == 201
    client.logout()
    return browser


def test_an_officer_hears_of_a_new_case_on_their_subscribed_browser(
        client, world, vapid, push_service, django_capture_on_commit_callbacks):
    submission = submit(world)
    desk = staff_follow(client, push_service, world.officer, "officer-desk")
    with django_capture_on_commit_callbacks(execute=True):
        case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
    shown = desk.decrypt(push_service.delivered("officer-desk")[0]["body"])
    assert shown == {"title": "Hồ sơ mới chuyển đến", "body": f"Hồ sơ #{submission.case_id} · {CODE}",
                     "tracking_code": CODE, "url": f"https://pakn.bacninh.gov.vn/staff/cases/{submission.case_id}/",
                     "tag": f"pakn-case-{submission.case_id}"}
    assert TITLE not in json.dumps(shown, ensure_ascii=False)


def test_a_kind_turned_off_for_push_stays_in_the_bell_and_one_turned_off_in_the_bell_is_still_pushed(
        client, world, vapid, push_service, django_capture_on_commit_callbacks):
    from notifications.preferences import staff_settings_save

    submission = submit(world)
    staff_follow(client, push_service, world.officer, "officer")
    staff_follow(client, push_service, world.supervisor, "supervisor")
    staff_settings_save(user=world.officer, in_app=["assigned"], push=[], quiet_hours=True)
    staff_settings_save(user=world.supervisor, in_app=[], push=["assigned"], quiet_hours=True)
    with django_capture_on_commit_callbacks(execute=True):
        case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
    assert [p["path"].rsplit("/", 1)[1] for p in push_service.received] == ["supervisor"]
    assert list(Notification.objects.filter(kind="assigned").values_list("user__username", flat=True)) == ["xuly"]


def test_a_reminder_outside_office_hours_is_pushed_when_the_office_opens(
        client, world, vapid, push_service, django_capture_on_commit_callbacks):
    from datetime import datetime

    from workflow.reminders import cases_send_deadline_reminders
    from workflow.working_time import LOCAL_TZ

    # Monday 2 March 2026 08:00: reception's 8 working hours run out Tuesday 08:30.
    make_submission(category=world.category, submitted_at=datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ))
    staff_follow(client, push_service, world.receptionist, "reception")
    from notifications.preferences import staff_settings_save

    evening = datetime(2026, 3, 2, 18, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(evening, tick=False), django_capture_on_commit_callbacks(execute=True):
        cases_send_deadline_reminders()
    row = OutboxMessage.objects.get(channel="push", kind="reminder")
    assert timezone.localtime(row.next_attempt_at, LOCAL_TZ) == datetime(2026, 3, 3, 7, 30, tzinfo=LOCAL_TZ)
    assert push_service.received == [] and Notification.objects.filter(kind="reminder").exists()  # the bell at once
    # Waiting for the office to open is no backlog for the operator.
    from notifications.health import backlog

    overnight = backlog(now=datetime(2026, 3, 3, 6, 0, tzinfo=LOCAL_TZ))
    assert overnight["messages_pending"] == 1 and overnight["oldest_pending_age_seconds"] == 0
    with time_machine.travel(datetime(2026, 3, 3, 7, 29, tzinfo=LOCAL_TZ), tick=False):
        assert outbox_sweep() == 0
    with time_machine.travel(datetime(2026, 3, 3, 7, 31, tzinfo=LOCAL_TZ), tick=False):
        assert outbox_sweep() == 1
    assert len(push_service.delivered("reception")) == 1

    # Someone who turns quiet hours off hears at once.
    staff_settings_save(user=world.receptionist, in_app=["reminder", "overdue"], push=["reminder", "overdue"],
                        quiet_hours=False)
    make_submission(category=world.category, submitted_at=datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ))
    with time_machine.travel(evening, tick=False), django_capture_on_commit_callbacks(execute=True):
        cases_send_deadline_reminders()
    assert len(push_service.delivered("reception")) == 2


def test_error_texts_and_logs_never_quote_the_endpoint(
        client, world, vapid, push_service, caplog, django_capture_on_commit_callbacks):
    submission = submit(world)
    follow(client, push_service, name="secret-endpoint-token")
    push_service.answers = [500]
    answer(world, submission, django_capture_on_commit_callbacks)
    assert "secret-endpoint-token" not in caplog.text
    assert "secret-endpoint-token" not in pushes().get().last_error
    assert urlsplit(push_service.endpoint("x")).hostname in pushes().get().last_error


def test_erasing_the_contact_forgets_the_browsers_and_nothing_waiting_goes_out(
        client, world, vapid, push_service, sms_outbox, django_capture_on_commit_callbacks):
    """Nghị định 13: erased means no longer reachable by this case's messages, by any channel; the
    private link (the sealed key) still opens the page, where a browser may subscribe again."""
    from feedback.lifecycle import submission_erase_contact
    from feedback.services import private_link

    submission = submit(world, contact_phone="0912345678")
    follow(client, push_service)
    push_service.answers = [500]  # the push waits for a retry; the SMS is held in reserve
    answer(world, submission, django_capture_on_commit_callbacks)
    assert OutboxMessage.objects.get(channel="sms").status == OutboxStatus.HELD

    assert submission_erase_contact(submission=submission)
    assert not PushSubscription.objects.filter(submission_id=submission.pk).exists()
    for row in OutboxMessage.objects.filter(submission=submission):
        assert (row.status, row.to, row.body_text) == (OutboxStatus.FAILED, "", ""), row.channel
    assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 0
    assert sms_outbox == [] and [push["status"] for push in push_service.received] == [500]
    assert private_link(submission).endswith(f"/theo-doi/{CODE}/?key={KEY}")
