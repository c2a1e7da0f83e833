"""Web Push and the notification choices, in Chromium on a phone.

Headless Chromium has no push service: ``pushManager.subscribe`` rejects with "AbortError:
Registration failed" even with the notification permission granted, and this machine cannot reach
Google's push service anyway. So each test hands the page a subscription to a push service on
127.0.0.1 whose browser keys the test holds (``FAKE_PUSH_MANAGER``: ``PushManager.subscribe`` and
``getSubscription`` only; it also records the key the page subscribed with). Everything else is
the real thing: the permission granted to the site, the offer on the confirmation page, the site's
service worker, the page's calls to the API, the officer answering on the staff page, the
server's encrypted push arriving at the push service, decrypted with the browser's keys, then
handed to the service worker as Chromium's push service would (DevTools'
``ServiceWorker.deliverPushMessage``), which shows the notification; and the worker's tap handler
opening the citizen's private page (``clients`` spied on: a headless browser cannot tap).
"""
import json
import time

import pytest

from config.celery import app as celery_app
from feedback.services import feedback_submit, private_path
from notifications.models import OutboxMessage, PushSubscription, StaffNoticeSettings
from notifications.push import generate_private_key, private_key_raw, public_key_of
from tests.browser.conftest import (assert_accessible, assert_no_csp_violations, fits_the_screen, new_phone_context,
                                     wait_for_worker)
from tests.browser.test_citizen_journey_browser import log_in, staff_acts
from tests.notifications.push_service import BrowserKeys, PushService
from workflow import services
from workflow.actors import staff_actor
from core.models import Kind
from workflow.models import Channel, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_PUSH_MANAGER = """
(() => {
  const fake = %s;
  window.__push = { subscribeCalls: 0, applicationServerKey: null, permissionRequests: 0 };
  const requestPermission = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => { window.__push.permissionRequests += 1; return requestPermission(...args); };
  if (!fake) return;
  let current = null;
  const subscription = (options) => ({
    endpoint: fake.endpoint, expirationTime: null, options,
    toJSON: () => ({ endpoint: fake.endpoint, expirationTime: null, keys: fake.keys }),
    unsubscribe: async () => { current = null; return true; },
  });
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function (options) {
    window.__push.subscribeCalls += 1;
    window.__push.applicationServerKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    current = subscription(options);
    return current;
  };
})();
"""


@pytest.fixture(autouse=True)
def tasks_in_process():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def vapid(settings):
    key = generate_private_key()
    settings.PAKN_VAPID_PRIVATE_KEY = private_key_raw(key)
    settings.PAKN_VAPID_KEY_FILE = ""
    return public_key_of(key)


@pytest.fixture
def push_service(settings, asgi_live_server):
    settings.DEBUG = True  # a push service on 127.0.0.1 is taken only in a demo
    settings.PAKN_PUBLIC_BASE_URL = asgi_live_server.url
    settings.PAKN_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    service = PushService()
    yield service
    service.stop()


def phone_with_push(browser, base, subscription):
    context = new_phone_context(browser)
    context.grant_permissions(["notifications"], origin=base)
    context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription))
    return context


def submitted(world, **contact):
    result = feedback_submit(
        fields={"kind": Kind.ON_SITE, "category": world.category, "title": "Ổ gà lớn giữa đường Nguyễn Trãi",
                "description": "Ổ gà sâu khoảng 20 cm trước số 45, xe máy dễ ngã.", "address": "45 Nguyễn Trãi",
                "ward": world.ward, **contact},
        channel=Channel.WEB, device_class="mobile", language="vi")
    return result.submission, result.private_key


def wait_for(check, page=None, seconds=15):
    """Poll ``check`` (bounded); with a page, Playwright's events are taken in between."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        value = check()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    raise AssertionError("waited in vain")


def registration_id(context, page, origin):
    cdp = context.new_cdp_session(page)
    seen = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: seen.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    wait_for(lambda: any(r["scopeURL"] == f"{origin}/" and not r["isDeleted"] for r in seen), page)
    return cdp, next(r["registrationId"] for r in seen if r["scopeURL"] == f"{origin}/")


def shown_notifications(page):
    return page.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications())
        .then(list => list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url})))""")


def test_a_subscribed_phone_hears_of_the_answer_and_the_tap_opens_the_case(
        chromium_browser, asgi_live_server, world, vapid, push_service, screenshot_dir):
    base = asgi_live_server.url
    submission, key = submitted(world, contact_phone="0912345678")
    phone_keys = BrowserKeys()
    context = phone_with_push(chromium_browser, base, phone_keys.subscription(push_service.endpoint("phone")))
    officer_context = new_phone_context(chromium_browser)
    page, officer = context.new_page(), officer_context.new_page()
    try:
        # The confirmation page offers notifications; nothing is asked of the browser before a tap.
        page.goto(f"{base}{private_path(submission.tracking_code, key)}&new=1")
        offer = page.locator("[data-push-offer]")
        offer.wait_for()
        assert page.evaluate("window.__push") == {"subscribeCalls": 0, "applicationServerKey": None,
                                                  "permissionRequests": 0}
        wait_for_worker(page)
        assert fits_the_screen(page)
        assert_accessible(page)
        page.screenshot(path=str(screenshot_dir / "push-1-offer.png"), full_page=True)

        page.get_by_role("button", name="Nhận thông báo trên thiết bị này").click()
        page.get_by_text("Thiết bị này đang nhận thông báo về phản ánh này.").wait_for()
        assert page.evaluate("window.__push.applicationServerKey") == vapid
        stored = PushSubscription.objects.get()
        assert (stored.submission_id, stored.endpoint, stored.p256dh) == (
            submission.pk, push_service.endpoint("phone"), phone_keys.p256dh)
        assert page.get_by_role("button", name="Tắt thông báo trên thiết bị này").is_visible()
        page.locator("#notify").screenshot(path=str(screenshot_dir / "push-2-subscribed.png"))

        # The officer routes, accepts and answers on the staff pages.
        services.case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
        log_in(officer, base, "xuly")
        staff_acts(officer, submission.case_id, base, "accept")
        push_service.received.clear()
        staff_acts(officer, submission.case_id, base, "answer", answer="Đã vá ổ gà trước số 45 Nguyễn Trãi.")
        push = wait_for(lambda: push_service.delivered("phone"))[0]
        payload = phone_keys.decrypt(push["body"])
        assert payload["title"] == f"Phản ánh {submission.tracking_code} đã có trả lời"
        assert payload["url"] == f"{base}{private_path(submission.tracking_code, key)}"
        assert "Nguyễn Trãi" not in json.dumps(payload, ensure_ascii=False)
        # No SMS: the one kept in reserve was skipped once the push was taken.
        assert dict(OutboxMessage.objects.filter(kind="answered").values_list("channel", "status")) == {
            "push": "sent", "sms": "skipped"}

        # The push service hands the message to the phone's worker, which shows it.
        cdp, registration = registration_id(context, page, base)
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": base, "registrationId": registration,
                                                      "data": json.dumps(payload, ensure_ascii=False)})
        (shown,) = wait_for(lambda: shown_notifications(page), page)
        assert shown == {"title": payload["title"], "body": "Chạm để xem trả lời và đánh giá.",
                         "tag": f"pakn-{submission.tracking_code}", "url": payload["url"]}

        # A tap opens the private page with its key (the worker's handler, clients spied on).
        (worker,) = [w for w in context.service_workers if w.url.startswith(base)]
        opened = worker.evaluate("""async () => {
            const opened = [];
            self.clients.matchAll = async () => [];
            self.clients.openWindow = async (url) => { opened.push(url); return null; };
            const [notification] = await self.registration.getNotifications();
            const event = new NotificationEvent("notificationclick", { notification });
            let done;
            event.waitUntil = (promise) => { done = promise; };
            self.dispatchEvent(event);
            await done;
            return { opened, stillShown: (await self.registration.getNotifications()).length };
        }""")
        assert opened == {"opened": [payload["url"]], "stillShown": 0}

        # Turning it off on the page removes this browser, in one tap.
        page.get_by_role("button", name="Tắt thông báo trên thiết bị này").click()
        page.get_by_text("Đã tắt thông báo trên thiết bị này.").wait_for()
        assert not PushSubscription.objects.exists()
        assert_no_csp_violations(context)
        assert_no_csp_violations(officer_context)
    finally:
        context.close()
        officer_context.close()


def test_the_offer_asks_for_permission_only_when_tapped_and_says_when_it_is_refused(
        chromium_browser, asgi_live_server, world, vapid, push_service):
    base = asgi_live_server.url
    submission, key = submitted(world)
    context = new_phone_context(chromium_browser)
    context.add_init_script(FAKE_PUSH_MANAGER % "null")
    page = context.new_page()
    try:
        page.goto(f"{base}{private_path(submission.tracking_code, key)}&new=1")
        page.locator("[data-push-offer]").wait_for()
        assert page.evaluate("[Notification.permission, window.__push.permissionRequests]") == ["default", 0]
        page.get_by_role("button", name="Nhận thông báo trên thiết bị này").click()
        page.get_by_text("Trình duyệt đang chặn thông báo của trang này", exact=False).wait_for()
        assert page.evaluate("window.__push.permissionRequests") == 1
        assert not PushSubscription.objects.exists()
        assert_no_csp_violations(context)
    finally:
        context.close()


def test_without_a_key_on_the_server_the_offer_stays_hidden(chromium_browser, asgi_live_server, world, settings):
    settings.PAKN_VAPID_PRIVATE_KEY = settings.PAKN_VAPID_KEY_FILE = ""
    base = asgi_live_server.url
    submission, key = submitted(world)
    context = phone_with_push(chromium_browser, base, None)
    page = context.new_page()
    try:
        with page.expect_response(lambda response: response.url.endswith("/api/v1/push/key/")) as answer:
            page.goto(f"{base}{private_path(submission.tracking_code, key)}&new=1")
        assert answer.value.status == 503
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-push-offer]").is_hidden()
        assert page.locator("#notify").is_visible()  # the section itself stays, with its other channels
        assert_no_csp_violations(context)
    finally:
        context.close()


def test_the_submitter_turns_sms_and_email_off_and_on_with_one_tap_each(chromium_browser, asgi_live_server, world,
                                                                          screenshot_dir):
    base = asgi_live_server.url
    submission, key = submitted(world, contact_phone="0912345678", contact_email="hoa@example.vn")
    context = new_phone_context(chromium_browser)
    page = context.new_page()
    try:
        page.goto(f"{base}{private_path(submission.tracking_code, key)}")
        notify = page.locator("#notify")
        assert "SMS chỉ được gửi khi email hoặc thông báo trên thiết bị không đến được bạn." in notify.inner_text()
        notify.get_by_role("button", name="Tắt SMS").click()
        page.get_by_text("Đã ngừng gửi SMS về phản ánh này.").wait_for()
        notify.get_by_role("button", name="Tắt email").click()
        page.get_by_text("Đã ngừng gửi email về phản ánh này.").wait_for()
        assert Submission.objects.values_list("notify_email", "notify_sms").get(pk=submission.pk) == (False, False)
        assert_accessible(page)
        notify.screenshot(path=str(screenshot_dir / "push-3-choices.png"))
        notify.get_by_role("button", name="Nhận email").click()
        page.get_by_text("Bạn sẽ nhận email khi phản ánh có tiến triển.").wait_for()
        assert Submission.objects.values_list("notify_email", "notify_sms").get(pk=submission.pk) == (True, False)
        assert_no_csp_violations(context)
    finally:
        context.close()


def test_the_link_in_an_email_stops_emails_in_one_tap(chromium_browser, asgi_live_server, world, settings):
    from feedback.services import email_unsubscribe_url

    settings.PAKN_PUBLIC_BASE_URL = asgi_live_server.url
    submission, _key = submitted(world, contact_email="hoa@example.vn")
    context = new_phone_context(chromium_browser)
    page = context.new_page()
    try:
        page.goto(email_unsubscribe_url(submission))
        assert Submission.objects.get(pk=submission.pk).notify_email  # opening the link changes nothing
        assert_accessible(page)
        page.get_by_role("button", name="Ngừng nhận email về phản ánh này").click()
        page.get_by_text("Đã ngừng gửi email về phản ánh này.").wait_for()
        assert not Submission.objects.get(pk=submission.pk).notify_email
        assert_no_csp_violations(context)
    finally:
        context.close()


def test_an_officer_chooses_their_notices_and_subscribes_this_browser(
        chromium_browser, asgi_live_server, world, vapid, push_service, screenshot_dir):
    base = asgi_live_server.url
    desk = BrowserKeys()
    context = phone_with_push(chromium_browser, base, desk.subscription(push_service.endpoint("desk")))
    page = context.new_page()
    try:
        log_in(page, base, "xuly")
        page.goto(f"{base}/notifications/")
        page.get_by_role("link", name="Cài đặt thông báo").click()
        page.wait_for_url(f"{base}/notifications/cai-dat/")
        labels = page.locator(".notify-table tbody th").all_inner_texts()
        assert "Hồ sơ mới chuyển đến" in labels and "Hồ sơ bị cơ quan trả lại" not in labels  # reception's
        page.get_by_role("checkbox", name="Bản trả lời bị trả lại để sửa bằng thông báo đẩy").uncheck()
        page.get_by_role("checkbox", name="Hồ sơ được mở lại trong chuông").uncheck()
        page.get_by_role("button", name="Lưu lựa chọn").click()
        page.get_by_text("Đã lưu lựa chọn thông báo.").wait_for()
        choices = StaffNoticeSettings.objects.get(user=world.officer)
        assert (choices.muted_push, choices.muted_in_app, choices.quiet_hours) == (["sent_back"], ["reopened"], True)

        page.get_by_role("button", name="Nhận thông báo đẩy trên trình duyệt này").click()
        page.get_by_text("Trình duyệt này đang nhận thông báo đẩy của bạn.").wait_for()
        assert list(PushSubscription.objects.values_list("user__username", "endpoint")) == [
            ("xuly", push_service.endpoint("desk"))]
        assert_accessible(page)
        page.screenshot(path=str(screenshot_dir / "push-4-staff-settings.png"), full_page=True)

        submission, _key = submitted(world)
        services.case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
        push = wait_for(lambda: push_service.delivered("desk"))[0]
        assert desk.decrypt(push["body"])["title"] == "Hồ sơ mới chuyển đến"
        assert_no_csp_violations(context)
    finally:
        context.close()
