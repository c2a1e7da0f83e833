"""PAKN received by telephone or at the counter: reception's page and the API's hotline/counter
channels, closed to everyone else; the cases count under their channel."""
import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from workflow.models import Submission, SubmissionPhoto
from notifications.models import OutboxMessage
from tests.factories import PASSWORD
from tests.feedback import CONTACT, PHONE_UA, media_files, post_json, procedure_json, upload
from workflow.models import Case, CaseEvent

PAGE = "/staff/nhap-phan-anh/"


@pytest.fixture
def tasks_in_process():
    """Background work (rendering the SMS) runs where it is queued, even when a broker is set."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def fresh_budgets():
    cache.clear()
    yield
    cache.clear()


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def phoned_in(world, **overrides):
    """What reception types while on the phone: an on-site problem, no photo."""
    data = {"channel": "hotline", "kind": "on_site", "category": world.category.code,
            "description": "Cột điện nghiêng trước trường tiểu học Suối Hoa\nNguy cơ đổ khi mưa bão.",
            "address": "Trường tiểu học Suối Hoa", "ward": world.ward.code, "idempotency_key": "call-2026-0001",
            **CONTACT}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_created():
    assert not Submission.objects.exists() and not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- the page -------------------------------------------------------------------------------------

def test_reception_sees_the_page_linked_from_the_inbox(client, world):
    client = signed_in(client, world.receptionist)
    inbox = client.get("/staff/").content.decode()
    assert f'href="{PAGE}"' in inbox
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("channel", "kind", "category", "description", "address", "ward", "contact_phone",
                 "publish_consent", "photos"):
        assert f'name="{name}"' in text, name


@pytest.mark.parametrize("who", ["officer", "province_supervisor", "nobody"])
def test_only_reception_may_use_the_page(client, world, who):
    client = signed_in(client, getattr(world, who))
    assert f'href="{PAGE}"' not in client.get("/staff/").content.decode()
    refused = client.get(PAGE)
    assert refused.status_code == 403
    assert client.post(PAGE, phoned_in(world)).status_code == 403
    assert_nothing_created()
    if who != "nobody":  # a member of staff is told which role the page needs, not that they have none
        text = refused.content.decode()
        assert "Chỉ cán bộ tiếp nhận" in text and "chưa thuộc cơ quan nào" not in text


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.post(PAGE, phoned_in(world))
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert_nothing_created()


def test_a_phoned_in_pakn_opens_a_case_entered_by_the_officer(client, world, media, tasks_in_process,
                                                             django_capture_on_commit_callbacks):
    client = signed_in(client, world.receptionist)
    with django_capture_on_commit_callbacks(execute=True):
        # A caller with a phone and no email (an SMS goes only when nothing else reaches them).
        response = client.post(PAGE, phoned_in(world, contact_email=""), HTTP_USER_AGENT=PHONE_UA)

    submission = Submission.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/staff/cases/{submission.case_id}/"
    assert (submission.channel, submission.device_class, submission.entered_by) == ("hotline", "unknown", world.receptionist)
    assert submission.title == "Cột điện nghiêng trước trường tiểu học Suối Hoa"
    assert submission.kind == "on_site" and not submission.photos.exists()
    assert submission.case.state == "submitted" and submission.case.reception_due_at is not None
    event = submission.case.events.get()
    assert event.data == {"channel": "hotline", "entered_by": "tiepnhan"} and event.device_class == "unknown"
    # The citizen gets the tracking code by SMS, through the outbox.
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.to == "0912345678" and submission.tracking_code in sms.body_text and sms.kind == "received"

    case_page = client.get(response["Location"]).content.decode()
    assert submission.tracking_code in case_page and "cán bộ tiepnhan nhập" in case_page
    assert "Đường dây nóng" in case_page


def test_a_counter_visit_keeps_the_photos_the_visitor_brought(client, world, media):
    client = signed_in(client, world.receptionist)
    response = client.post(PAGE, phoned_in(world, channel="counter", title="Rác thải ven kênh",
                                           photos=[upload(), upload(name="b.jpg")]))
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert (submission.channel, submission.title) == ("counter", "Rác thải ven kênh")
    assert submission.photos.count() == 2 and len(media_files(media)) == 4


def test_without_a_phone_no_sms_and_anonymous_keeps_no_contact(client, world, media, tasks_in_process,
                                                              django_capture_on_commit_callbacks):
    client = signed_in(client, world.receptionist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, phoned_in(world, contact_phone="", contact_email=""))
        client.post(PAGE, phoned_in(world, anonymous="on", idempotency_key="call-2026-0002"))
        client.post(PAGE, phoned_in(world, contact_phone="", idempotency_key="call-2026-0003"))
    assert Submission.objects.count() == 3
    # Only the one who left an email hears back, by email.
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]
    anonymous = Submission.objects.get(anonymous=True)
    assert (anonymous.contact_name, anonymous.contact_phone, anonymous.contact_email) == ("", "", "")


def test_mistakes_are_shown_next_to_their_fields_and_nothing_is_made(client, world, media):
    client = signed_in(client, world.receptionist)
    response = client.post(PAGE, phoned_in(world, description="", address="", ward="", contact_phone="123"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nhập nội dung phản ánh." in text and "Số điện thoại không hợp lệ" in text
    assert 'value="Nguyễn Thị Hoa"' in text  # what was typed is kept
    assert_nothing_created()


def test_a_double_click_makes_one_case(client, world, media):
    client = signed_in(client, world.receptionist)
    first = client.post(PAGE, phoned_in(world))
    second = client.post(PAGE, phoned_in(world))
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1


# --- the API --------------------------------------------------------------------------------------

def token_for(user):
    return f"Token {Token.objects.create(user=user).key}"


@pytest.mark.parametrize("channel", ["hotline", "counter"])
def test_reception_may_enter_hotline_and_counter_through_the_api(client, world, media, channel):
    response = post_json(client, procedure_json(world, channel=channel, device="mobile"),
                         HTTP_AUTHORIZATION=token_for(world.receptionist))
    assert response.status_code == 201, response.json()
    submission = Submission.objects.get(tracking_code=response.json()["tracking_code"])
    assert (submission.channel, submission.entered_by, submission.device_class) == (channel, world.receptionist, "unknown")
    assert submission.case.events.get().data == {"channel": channel, "entered_by": "tiepnhan"}


def test_reception_signed_in_in_the_browser_may_post_with_its_csrf_token(world, media):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    signed_in(browser, world.receptionist)
    refused = post_json(browser, procedure_json(world, channel="hotline"))
    assert refused.status_code == 403 and not Submission.objects.exists()
    browser.get("/staff/nhap-phan-anh/")
    response = post_json(browser, procedure_json(world, channel="hotline"),
                         HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.status_code == 201
    assert Submission.objects.get().entered_by == world.receptionist


@pytest.mark.parametrize("who", ["officer", "province_supervisor", "nobody", None])
@pytest.mark.parametrize("channel", ["hotline", "counter", "open311", "web"])
def test_anyone_else_claiming_a_channel_that_is_not_theirs_gets_400(client, world, media, who, channel):
    headers = {"HTTP_AUTHORIZATION": token_for(getattr(world, who))} if who else {}
    response = post_json(client, procedure_json(world, channel=channel), **headers)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["channel"]
    assert_nothing_created()


def test_reception_is_not_held_to_the_publics_submission_budget(client, world, media, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "submissions": "1/hour"}}
    token = token_for(world.receptionist)
    for number in range(3):
        response = post_json(client, procedure_json(world, channel="hotline"), HTTP_AUTHORIZATION=token)
        assert response.status_code == 201, number
    assert post_json(client, procedure_json(world)).status_code == 201
    assert post_json(client, procedure_json(world)).status_code == 429


# --- counted under their channel ----------------------------------------------------------------

def test_the_metrics_count_hotline_and_counter_cases_under_their_channel(client, world, media):
    office = signed_in(client, world.receptionist)
    office.post(PAGE, phoned_in(world))
    office.post(PAGE, phoned_in(world, channel="counter", idempotency_key="visit-2026-0001"))
    office.post(PAGE, phoned_in(world, idempotency_key="call-2026-0003"))
    body = office.get("/api/v1/metrics/breakdown/", {"by": "channel"}).json()
    rows = {row["key"]: row for row in body["rows"]}
    assert (rows["hotline"]["submissions"], rows["hotline"]["cases"], rows["hotline"]["label"]) == (
        2, 2, "Đường dây nóng")
    assert (rows["counter"]["submissions"], rows["counter"]["label"]) == (1, "Quầy tiếp nhận")
    assert rows["hotline"]["mobile_submissions"] == 0
    summary = office.get("/api/v1/metrics/summary/", {"channel": "counter"}).json()
    assert summary["mobile_share"]["submissions"]["denominator"] == 1
    assert summary["backlog"]["open"] == 1
    export = office.get("/dashboard/export/cases.csv").getvalue().decode("utf-8-sig")
    assert export.count("Đường dây nóng") == 2 and export.count("Quầy tiếp nhận") == 1
