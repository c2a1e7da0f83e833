"""A citizen sends feedback from a phone in a real browser, end to end, and sees the tracking code.

Drives Chromium through Playwright against the live server with the phone context from
``tests/browser/conftest.py``; the screenshots it leaves in tests/screenshots/ are for people.
"""
import re

import pytest
from PIL import Image, ImageDraw

from core.models import Ward
from tests.browser.conftest import wait_for_worker
from workflow.models import Submission
from tests.factories import CategoryFactory, WardFactory
from workflow.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACKING_CODE = re.compile(r"BN-\d{4}-\d{4}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photos the live server stores go to the test's own folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference_data(db):
    category = CategoryFactory(code="chieu-sang", name_vi="Chiếu sáng công cộng", name_en="Street lighting",
                               kinds=["on_site"])
    CategoryFactory(code="thue", name_vi="Thuế, phí", name_en="Taxes", kinds=["business"])
    ward = WardFactory(code="9101", name="Phường Kinh Bắc")
    return category, ward


@pytest.fixture
def street_photo(tmp_path):
    """A phone-sized photo (larger than the browser's 2048 px target, so it is shrunk before upload)."""
    image = Image.new("RGB", (3000, 2250), (120, 160, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 1600, 3000, 2250), fill=(90, 90, 90))
    draw.rectangle((1450, 400, 1530, 1600), fill=(60, 60, 60))
    draw.ellipse((1380, 300, 1600, 480), fill=(250, 230, 120))
    path = tmp_path / "den-duong.jpg"
    image.save(path, "JPEG", quality=92)
    return path


def fill_form(page, street_photo):
    page.get_by_label("Hiện trường").check()
    page.select_option("#id_category", "chieu-sang")
    page.fill("#id_title", "Đèn đường hỏng trước số 12 Lý Thái Tổ")
    page.fill("#id_description", "Đèn đường trước nhà số 12 phố Lý Thái Tổ tắt cả tuần nay, buổi tối rất tối.")
    page.set_input_files("#id_photos", str(street_photo))
    page.wait_for_selector("#photo-previews li img")
    page.fill("#id_address", "12 Lý Thái Tổ")
    page.select_option("#id_ward", "9101")
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_contact_phone", "0912 345 678")
    page.check("#id_publish_consent")


def test_a_citizen_sends_feedback_with_a_photo_from_a_phone(phone_page, reference_data, street_photo, screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("html").get_attribute("class") == "js"  # the enhancement module ran

    # Choosing a kind leaves only the categories that apply to it.
    page.get_by_label("Hiện trường").check()
    assert page.locator("#id_category option[value=thue]").is_disabled()

    fill_form(page, street_photo)
    assert page.locator("#description-count").inner_text() == "75"
    page.screenshot(path=str(screenshot_dir / "citizen-form.png"), full_page=True)

    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"/theo-doi/BN-\d{4}-\d{4}/\?key=.+&new=1$"))
    code = page.locator("#tracking-code").inner_text()
    assert TRACKING_CODE.fullmatch(code)
    assert page.get_by_role("heading", name="Đã gửi phản ánh").is_visible()
    page.screenshot(path=str(screenshot_dir / "citizen-confirmation.png"), full_page=True)

    feedback = Submission.objects.get(tracking_code=code)
    assert (feedback.channel, feedback.device_class) == ("web", "mobile")
    assert feedback.case.state == State.SUBMITTED
    assert feedback.ward == Ward.objects.get(code="9101")
    photo = feedback.photos.get()
    assert max(photo.width, photo.height) <= 2048


def test_a_double_tap_on_send_makes_one_case(phone_page, reference_data, street_photo):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    fill_form(page, street_photo)
    button = page.get_by_role("button", name="Gửi phản ánh")
    button.click()
    button.click(force=True, no_wait_after=True)
    page.wait_for_url(re.compile(r"&new=1$"))
    assert Submission.objects.count() == 1


def test_a_send_that_fails_on_the_network_keeps_the_form_and_resends_with_the_same_key(
        phone_page, reference_data, street_photo):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    fill_form(page, street_photo)
    key = page.locator("input[name=idempotency_key]").input_value()
    state = {"dropped": False}

    def drop_first_send(route):
        if route.request.method != "POST" or state["dropped"]:
            return route.fallback()
        state["dropped"] = True
        route.abort("internetdisconnected")
    page.route("**/gui/", drop_first_send)

    page.get_by_role("button", name="Gửi phản ánh").click()
    resend = page.get_by_role("button", name="Gửi lại")
    resend.wait_for()
    assert "mất kết nối" in page.locator("#send-status").inner_text()
    assert page.locator("#id_title").input_value() == "Đèn đường hỏng trước số 12 Lý Thái Tổ"
    assert page.locator("#photo-previews li").count() == 1
    assert Submission.objects.count() == 0

    resend.click()
    page.wait_for_url(re.compile(r"&new=1$"))
    feedback = Submission.objects.get()
    assert feedback.idempotency_key == key
    assert feedback.photos.count() == 1


def test_a_refused_send_shows_the_reason_by_the_field_and_keeps_the_photos(phone_page, reference_data, street_photo):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    fill_form(page, street_photo)
    page.fill("#id_contact_phone", "12345")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.locator("#field-contact_phone .errorlist").wait_for()
    assert "Số điện thoại không hợp lệ" in page.locator("#field-contact_phone").inner_text()
    assert page.locator("#form-errors").inner_text().startswith("Phản ánh chưa gửi được")
    assert page.locator("#photo-previews li").count() == 1
    assert Submission.objects.count() == 0

    page.fill("#id_contact_phone", "0912 345 678")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"&new=1$"))
    assert Submission.objects.get().photos.count() == 1


def test_the_installed_app_keeps_the_form_and_shows_its_offline_page_without_a_network(
        phone_page, phone_context, reference_data):
    page = phone_page
    page.goto(f"{page.base_url}/")
    wait_for_worker(page)
    page.reload()  # the worker now controls the page
    assert page.evaluate("!!navigator.serviceWorker.controller")
    phone_context.set_offline(True)
    try:
        page.goto(f"{page.base_url}/gui/")  # the form was kept when the worker was installed
        assert page.get_by_role("heading", name="Gửi phản ánh").is_visible()
        assert page.evaluate("getComputedStyle(document.body).display") == "flex"  # the stylesheet came from the cache
        assert page.locator("#id_category option[value=chieu-sang]").count() == 1
        page.goto(f"{page.base_url}/tra-cuu/")  # a page never opened: the offline page
        assert page.get_by_role("heading", name="Bạn đang ngoại tuyến").is_visible()
    finally:
        phone_context.set_offline(False)
