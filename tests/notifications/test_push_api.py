"""The Web Push API (PRODUCT.md "Web Push"): the province's key, a submitter's browser following their
case with the private key, and a staff member's browser."""
import json

import pytest

from feedback.services import seal_private_key
from notifications.models import PushSubscription
from tests.factories import make_submission
from tests.notifications.push_service import BrowserKeys

pytestmark = pytest.mark.django_db

CODE, KEY = "BN-2612-0007", "khoa-rieng-cua-nguoi-gui-0007"
FCM = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"


@pytest.fixture
def submission(world):
    return make_submission(category=world.category, tracking_code=CODE, key=KEY,
                           private_key_sealed=seal_private_key(CODE, KEY), contact_phone="0912345678")


def subscribe(client, body, code=CODE):
    return client.post(f"/api/v1/feedback/{code}/push/", json.dumps(body), content_type="application/json")


def unsubscribe(client, body, code=CODE):
    return client.delete(f"/api/v1/feedback/{code}/push/", json.dumps(body), content_type="application/json")


def rows():
    return list(PushSubscription.objects.values_list("submission_id", "user_id", "endpoint", "p256dh", "auth"))


# --- the key ------------------------------------------------------------------------------------

def test_the_public_key_is_the_provinces_vapid_key(client, vapid):
    response = client.get("/api/v1/push/key/")
    assert response.status_code == 200
    assert response.json() == {"public_key": vapid}
    assert len(vapid) == 87 and "=" not in vapid  # a P-256 point, 65 bytes in base64url


def test_without_a_key_push_is_unavailable_and_nothing_subscribes(client, settings, submission):
    settings.PAKN_VAPID_PRIVATE_KEY = settings.PAKN_VAPID_KEY_FILE = ""
    response = client.get("/api/v1/push/key/")
    assert response.status_code == 503 and response.json()["code"] == "push_unavailable"
    response = subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)})
    assert response.status_code == 503 and rows() == []


# --- a submitter's browser ------------------------------------------------------------------------

def test_the_submitter_subscribes_their_browser_with_the_private_key(client, vapid, submission):
    browser = BrowserKeys()
    response = subscribe(client, {"key": KEY, "subscription": browser.subscription(FCM)})
    assert response.status_code == 201
    assert response.json() == {"tracking_code": CODE, "subscribed": True}
    assert rows() == [(submission.pk, None, FCM, browser.p256dh, browser.subscription(FCM)["keys"]["auth"])]


def test_subscribing_again_keeps_one_row_with_the_browsers_new_keys(client, vapid, submission):
    subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)})
    renewed = BrowserKeys()
    assert subscribe(client, {"key": KEY, "subscription": renewed.subscription(FCM)}).status_code == 201
    assert [row[3] for row in rows()] == [renewed.p256dh]


def test_a_wrong_key_is_not_found_and_stores_nothing(client, vapid, submission):
    for key in ("", "not-the-key", None):
        response = subscribe(client, {"key": key, "subscription": BrowserKeys().subscription(FCM)})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)}, code="BN-0000-0000").status_code == 404
    assert rows() == []


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/abc",  # not https
    "http://127.0.0.1:9000/push/abc",  # loopback without DEBUG
    "https://10.0.0.5/push/abc",  # an internal address
    "https://intranet.tinh.gov.vn/push/abc",  # not a browser's push service
    "https://user:pw@fcm.googleapis.com/fcm/send/abc",
    "ftp://fcm.googleapis.com/x",
    "",
    "https://fcm.googleapis.com/" + "x" * 1100,
])
def test_an_endpoint_that_is_not_a_browsers_https_push_service_is_refused(client, vapid, submission, endpoint):
    response = subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(endpoint)})
    assert response.status_code == 400
    assert response.json()["fields"]["subscription"]
    assert rows() == []


def test_a_loopback_endpoint_is_taken_when_debug_is_on(client, vapid, submission, settings):
    settings.DEBUG = True
    endpoint = "http://127.0.0.1:9000/wpush/v2/abc"
    assert subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(endpoint)}).status_code == 201
    assert [row[2] for row in rows()] == [endpoint]


@pytest.mark.parametrize("keys", [
    {}, {"p256dh": "abc", "auth": "def"},
    {"p256dh": BrowserKeys().p256dh[:-4] + "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"},  # not a point on the curve
    {"p256dh": BrowserKeys().p256dh, "auth": "AAAA"},  # auth must be 16 bytes
])
def test_browser_keys_that_cannot_encrypt_are_refused(client, vapid, submission, keys):
    response = subscribe(client, {"key": KEY, "subscription": {"endpoint": FCM, "keys": keys}})
    assert response.status_code == 400 and rows() == []


def test_a_body_that_is_not_json_is_refused_without_a_trace(client, vapid, submission):
    response = client.post(f"/api/v1/feedback/{CODE}/push/", "key=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "message" in response.json()
    response = client.post(f"/api/v1/feedback/{CODE}/push/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert rows() == []


def test_unsubscribing_with_the_key_and_endpoint_removes_that_browser_only(client, vapid, submission):
    other = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABl"
    subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)})
    subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(other)})
    response = unsubscribe(client, {"key": KEY, "endpoint": FCM})
    assert response.status_code == 204 and response.content == b""
    assert [row[2] for row in rows()] == [other]


def test_unsubscribing_with_a_wrong_key_is_not_found_and_keeps_the_browser(client, vapid, submission):
    subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)})
    assert unsubscribe(client, {"key": "wrong", "endpoint": FCM}).status_code == 404
    assert [row[2] for row in rows()] == [FCM]


def test_one_browser_follows_several_cases_and_a_case_at_most_five_browsers(client, vapid, world, submission, settings):
    other = make_submission(category=world.category, tracking_code="BN-2612-0008", key="khoa-khac",
                            private_key_sealed=seal_private_key("BN-2612-0008", "khoa-khac"))
    assert subscribe(client, {"key": "khoa-khac", "subscription": BrowserKeys().subscription(FCM)},
                     code="BN-2612-0008").status_code == 201
    for n in range(7):
        subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(f"{FCM}-{n}")})
    subscribe(client, {"key": KEY, "subscription": BrowserKeys().subscription(FCM)})
    mine = PushSubscription.objects.filter(submission=submission)
    assert mine.count() == settings.PAKN_PUSH_DEVICES_PER_SUBMISSION
    assert set(mine.values_list("endpoint", flat=True)) == {FCM, f"{FCM}-6", f"{FCM}-5", f"{FCM}-4", f"{FCM}-3"}
    assert PushSubscription.objects.filter(submission=other, endpoint=FCM).exists()


# --- a staff member's browser ---------------------------------------------------------------------

def staff_subscribe(client, endpoint, browser=None):
    return client.post("/api/v1/push/subscriptions/", json.dumps({"subscription": (browser or BrowserKeys()).subscription(endpoint)}),
                       content_type="application/json")


def test_only_staff_subscribe_a_browser_for_their_notices(client, vapid, world):
    assert staff_subscribe(client, FCM).status_code == 401
    client.force_login(world.nobody)
    assert staff_subscribe(client, FCM).status_code == 403
    assert rows() == []
    client.force_login(world.officer)
    assert staff_subscribe(client, FCM).status_code == 201
    assert rows()[0][:3] == (None, world.officer.pk, FCM)


def test_a_shared_browser_tells_whoever_subscribed_on_it_last(client, vapid, world):
    client.force_login(world.officer)
    staff_subscribe(client, FCM)
    client.force_login(world.receptionist)
    staff_subscribe(client, FCM)
    assert [row[1] for row in rows()] == [world.receptionist.pk]


def test_a_staff_member_stops_one_browser_or_all(client, vapid, world):
    client.force_login(world.officer)
    staff_subscribe(client, FCM)
    staff_subscribe(client, FCM + "-tablet")
    response = client.delete("/api/v1/push/subscriptions/", json.dumps({"endpoint": FCM}), content_type="application/json")
    assert response.status_code == 204
    assert [row[2] for row in rows()] == [FCM + "-tablet"]
    assert client.delete("/api/v1/push/subscriptions/").status_code == 204
    assert rows() == []


def test_the_staff_api_checks_csrf_for_a_browser_session(vapid, world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.officer)
    assert staff_subscribe(browser, FCM).status_code == 403
    assert rows() == []
