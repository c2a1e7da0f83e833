"""The citizen's whole journey on a phone, in Chromium, through the pages alone.

Every form a citizen uses is clicked: submitting with photos and a pin on the map, adding
information with a photo when asked, rating, reopening when dissatisfied, withdrawing; with and
without JavaScript. The agency's side is done by an officer on the staff pages in a second
browser, while the citizen's page is open, so the answer must arrive there live. Map tiles (and
every other host) are refused in every test: the pages must work without them. axe-core checks
each page for serious or critical accessibility violations. Screenshots go to tests/screenshots/.
"""
import io
import re

import pytest
from PIL import Image, ImageDraw

from tests.browser.conftest import (assert_accessible, assert_no_csp_violations, fits_the_screen, new_phone_context,
                                     wait_for_worker, wait_until_remembered)
from feedback.services import CODE_SUFFIX_ALPHABET
from tests.core.test_images import gps_exif
from tests.factories import PASSWORD, CategoryFactory, make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import State, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "khoa-rieng-cua-nguoi-gui-0001"
TRACKING_CODE = r"BN-\d{4}-\d{4}-[%s]{2}" % CODE_SUFFIX_ALPHABET  # the month, its number, a check part
PRIVATE_URL = re.compile(rf"/theo-doi/({TRACKING_CODE})/\?key=([^&]+)&new=1$")
SPAIN = (40.4168, -3.7038)
BAC_NINH = (21.1861, 106.0763)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photos the live server stores go to the test's own folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


def photo_file(tmp_path, name, *, colour=(120, 160, 200), exif=None, size=(1200, 900)):
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=(90, 90, 90))
    draw.ellipse((size[0] // 2 - 60, 80, size[0] // 2 + 60, 200), fill=(250, 230, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **({"exif": exif} if exif is not None else {}))
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def lighting(world):
    return CategoryFactory(code="chieu-sang", name_vi="Chiếu sáng công cộng", name_en="Street lighting",
                           kinds=["on_site"])


def fill_form(page, tmp_path, *, title="Đèn đường hỏng trước số 12 Lý Thái Tổ", photos=2, pin=True):
    page.get_by_label("Hiện trường").check()
    page.select_option("#id_category", "chieu-sang")
    page.fill("#id_title", title)
    page.fill("#id_description", "Đèn đường trước nhà số 12 phố Lý Thái Tổ tắt cả tuần nay, buổi tối rất tối.")
    if photos:
        files = [str(photo_file(tmp_path, f"anh-{n}.jpg", colour=(100 + 40 * n, 150, 200))) for n in range(photos)]
        page.set_input_files("#id_photos", files)
        page.wait_for_function(f"() => document.querySelectorAll('#photo-previews li img').length === {photos}")
    if pin:
        page.locator("#location-map").click(position={"x": 180, "y": 120})
        page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    page.fill("#id_address", "12 Lý Thái Tổ")
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_contact_email", "lan@example.vn")
    page.check("#id_publish_consent")


def log_in(page, base_url, username):
    page.goto(f"{base_url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/staff/**")


def staff_acts(page, case_id, base_url, action, **fields):
    """An officer performs one transition on the case page, as they would."""
    page.goto(f"{base_url}/staff/cases/{case_id}/")
    details = page.locator(f"#action-{action}")
    if details.count() and details.evaluate("d => d.tagName === 'DETAILS' && !d.open"):
        details.locator("summary").click()
    for name, value in fields.items():
        page.fill(f"#id_{action}_{name}", value)
    page.click(f'form[data-action="{action}"] button[type=submit]')
    page.wait_for_selector(".messages")


def mark_page(page):
    """A marker that a reload would wipe: the page must change in place."""
    page.evaluate("window.__stillTheSamePage = true")


def still_the_same_page(page):
    return page.evaluate("window.__stillTheSamePage === true")


def test_the_whole_journey_on_a_phone(chromium_browser, asgi_live_server, world, lighting, tmp_path, screenshot_dir):
    base = asgi_live_server.url
    citizen_context = new_phone_context(chromium_browser)
    officer_context = new_phone_context(chromium_browser)
    citizen, officer = citizen_context.new_page(), officer_context.new_page()
    tile_referrers = []

    def tile_server(route):  # refused like every other host, after noting what it was told
        tile_referrers.append(route.request.header_value("referer"))
        route.abort("blockedbyclient")
    citizen_context.route("https://tile.openstreetmap.org/**", tile_server)
    try:
        # Home, then the form, checked for accessibility as they are.
        citizen.goto(f"{base}/")
        assert_accessible(citizen)
        citizen.get_by_role("link", name="Gửi phản ánh").first.click()
        citizen.wait_for_url(f"{base}/gui/")
        assert citizen.locator("#location-map.leaflet-container").is_visible()
        fill_form(citizen, tmp_path)
        latitude = citizen.locator("#id_latitude").input_value()
        assert re.fullmatch(r"2[01]\.\d{6}", latitude)  # the pin on the map, written with a dot
        assert citizen.locator("[data-map-note]").first.is_visible()  # tiles refused: the map says so
        assert fits_the_screen(citizen)
        assert_accessible(citizen)
        citizen.screenshot(path=str(screenshot_dir / "journey-1-form.png"), full_page=True)

        citizen.get_by_role("button", name="Gửi phản ánh").click()
        citizen.wait_for_url(PRIVATE_URL)
        code = PRIVATE_URL.search(citizen.url).group(1)
        feedback = Submission.objects.get(tracking_code=code)
        assert feedback.photos.count() == 2
        assert str(feedback.latitude) == latitude
        assert citizen.locator(".map-case.leaflet-container").is_visible()
        osm = citizen.locator(".case-facts a[href*=openstreetmap]").get_attribute("href")
        assert f"mlat={latitude.rstrip('0')}" in osm and "," not in osm.split("?")[1].split("#")[0]
        assert_accessible(citizen)
        citizen.screenshot(path=str(screenshot_dir / "journey-2-confirmation.png"), full_page=True)
        # Tile servers learn the site's origin (OpenStreetMap requires a referrer), never a path or key.
        assert tile_referrers and set(tile_referrers) == {f"{base}/"}

        services.case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
        citizen.goto(f"{base}/theo-doi/{code}/?key={PRIVATE_URL.search(citizen.url).group(2)}")
        private_url = citizen.url
        mark_page(citizen)
        log_in(officer, base, "xuly")

        # The officer accepts: the citizen's page follows without a reload.
        staff_acts(officer, feedback.case_id, base, "accept")
        citizen.locator("#private-live .badge.state-in_progress").wait_for()
        assert still_the_same_page(citizen)

        # Asked for more information, the citizen answers with a photo on the page that updated itself.
        staff_acts(officer, feedback.case_id, base, "request_info", message="Xin chụp thêm ảnh cột đèn số 12.")
        citizen.get_by_role("heading", name="Cơ quan đề nghị bạn bổ sung thông tin").wait_for()
        assert still_the_same_page(citizen)
        assert "Xin chụp thêm ảnh cột đèn số 12." in citizen.locator("#info-request").inner_text()
        picker = citizen.locator("#action-provide_info input[type=file]")
        assert picker.is_visible()  # a real picker, not a label over nothing
        citizen.fill("#action-provide_info textarea", "Cột đèn số 12, ảnh chụp sáng nay.")
        picker.set_input_files(str(photo_file(tmp_path, "cot-den.jpg", colour=(30, 30, 30))))
        citizen.screenshot(path=str(screenshot_dir / "journey-3-provide-info.png"), full_page=True)
        citizen.get_by_role("button", name="Gửi thông tin bổ sung").click()
        citizen.get_by_text("Đã gửi thông tin bổ sung.").wait_for()
        assert feedback.photos.count() == 3
        feedback.case.refresh_from_db()
        assert feedback.case.state == State.IN_PROGRESS

        # The answer arrives while the page is open: status, timeline and the rating form.
        mark_page(citizen)
        staff_acts(officer, feedback.case_id, base, "answer", answer="Đã thay bóng đèn mới tại cột số 12.")
        citizen.locator("#action-rate").wait_for()
        assert still_the_same_page(citizen)
        assert "Đã thay bóng đèn mới tại cột số 12." in citizen.locator(".answer").inner_text()
        assert citizen.locator("#private-live .badge").inner_text() == "Đã trả lời"
        assert "Đã trả lời" in citizen.locator("#case-timeline").inner_text()
        assert citizen.locator("#action-withdraw").count() == 0  # no withdrawing an answered case
        assert_accessible(citizen)
        citizen.screenshot(path=str(screenshot_dir / "journey-4-answer-live.png"), full_page=True)

        # Not satisfied: the case reopens, once.
        citizen.get_by_label("Không hài lòng").check()
        citizen.fill("#action-rate textarea", "Đèn vẫn chập chờn.")
        citizen.get_by_role("button", name="Gửi đánh giá").click()
        citizen.get_by_text("Cảm ơn bạn đã đánh giá.").wait_for()
        feedback.case.refresh_from_db()
        assert feedback.case.state == State.IN_PROGRESS
        assert citizen.locator("#private-live .badge").inner_text() == "Đang xử lý"

        mark_page(citizen)
        staff_acts(officer, feedback.case_id, base, "answer", answer="Đã thay cả bộ đèn và dây dẫn.")
        citizen.locator("#action-rate").wait_for()
        assert still_the_same_page(citizen)
        citizen.get_by_label("Hài lòng", exact=True).check()
        citizen.get_by_role("button", name="Gửi đánh giá").click()
        citizen.get_by_text("Cảm ơn bạn đã đánh giá.").wait_for()
        feedback.case.refresh_from_db()
        assert feedback.case.state == State.CLOSED
        assert citizen.url.startswith(private_url.split("&")[0])
        citizen.screenshot(path=str(screenshot_dir / "journey-5-closed.png"), full_page=True)

        # The home page remembers it on this device.
        wait_until_remembered(citizen, code)
        citizen.goto(f"{base}/")
        mine = citizen.locator("#mine")
        mine.wait_for()
        assert code in mine.inner_text()
        assert "key=" in mine.get_by_role("link").first.get_attribute("href")
        assert_accessible(citizen)
        citizen.screenshot(path=str(screenshot_dir / "journey-6-home-mine.png"), full_page=True)
        mine.get_by_role("button", name=f"Xóa khỏi máy này: {code}").click()  # a shared phone
        mine.wait_for(state="hidden")
        citizen.reload()
        assert citizen.locator("#mine").is_hidden()
        # Every step above ran under the site's Content-Security-Policy, and broke none of it.
        assert_no_csp_violations(citizen_context)
        assert_no_csp_violations(officer_context)
    finally:
        citizen_context.close()
        officer_context.close()


def test_every_private_form_works_without_javascript(chromium_browser, asgi_live_server, world, tmp_path,
                                                    screenshot_dir):
    reception, officer = staff_actor(world.receptionist), staff_actor(world.officer)
    asked = make_submission(category=world.category, key=KEY, tracking_code="BN-TEST-0101")
    services.case_request_info(case=asked.case, actor=reception, message="Cho biết số nhà cụ thể.")
    answered = make_submission(category=world.category, key=KEY, tracking_code="BN-TEST-0102")
    case = services.case_accept(case=services.case_route(case=answered.case, actor=reception,
                                                         agency=world.department), actor=officer)
    services.case_answer(case=case, actor=officer, answer="Đã sửa xong.")
    waiting = make_submission(category=world.category, key=KEY, tracking_code="BN-TEST-0103")

    context = new_phone_context(chromium_browser, java_script_enabled=False)
    page = context.new_page()
    base = asgi_live_server.url
    try:
        page.goto(f"{base}/theo-doi/{asked.tracking_code}/?key={KEY}")
        assert page.locator(".copy-button").is_hidden()  # copying needs a script: no dead button
        page.fill("#action-provide_info textarea", "Số nhà 12, ngõ 3.")
        page.set_input_files("#action-provide_info input[type=file]", str(photo_file(tmp_path, "so-nha.jpg")))
        page.get_by_role("button", name="Gửi thông tin bổ sung").click()
        assert page.get_by_text("Đã gửi thông tin bổ sung.").is_visible()
        assert asked.photos.count() == 1

        page.goto(f"{base}/theo-doi/{answered.tracking_code}/?key={KEY}")
        page.get_by_label("Chấp nhận được").check()
        page.get_by_role("button", name="Gửi đánh giá").click()
        assert page.get_by_text("Cảm ơn bạn đã đánh giá.").is_visible()
        answered.case.refresh_from_db()
        assert answered.case.state == State.CLOSED

        page.goto(f"{base}/theo-doi/{waiting.tracking_code}/?key={KEY}")
        page.locator("#action-withdraw summary").click()
        page.get_by_role("button", name="Rút phản ánh").click()  # without ticking the box: not sent
        assert page.locator("#action-withdraw input[type=checkbox]:invalid").count() == 1
        waiting.case.refresh_from_db()
        assert waiting.case.state == State.SUBMITTED
        page.get_by_label("Tôi muốn rút phản ánh này; cơ quan sẽ dừng xử lý.").check()
        page.get_by_role("button", name="Rút phản ánh").click()
        assert page.get_by_text("Đã rút phản ánh.").is_visible()
        waiting.case.refresh_from_db()
        assert waiting.case.state == State.WITHDRAWN
        page.screenshot(path=str(screenshot_dir / "private-withdrawn-no-js.png"), full_page=True)
    finally:
        context.close()


def test_withdrawing_with_javascript_on(phone_page, world):
    feedback = make_submission(category=world.category, key=KEY)
    page = phone_page
    page.goto(f"{page.base_url}/theo-doi/{feedback.tracking_code}/?key={KEY}")
    page.locator("#action-withdraw summary").click()
    page.get_by_label("Tôi muốn rút phản ánh này; cơ quan sẽ dừng xử lý.").check()
    page.get_by_role("button", name="Rút phản ánh").click()
    page.get_by_text("Đã rút phản ánh.").wait_for()
    feedback.case.refresh_from_db()
    assert feedback.case.state == State.WITHDRAWN
    assert page.locator("#private-live .badge").inner_text() == "Đã rút"


def test_a_draft_survives_a_reload_and_goes_after_sending(phone_page, lighting, tmp_path, screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    fill_form(page, tmp_path, photos=0)
    page.wait_for_timeout(400)  # the draft is written a moment after typing stops
    latitude = page.locator("#id_latitude").input_value()
    page.reload()
    assert page.locator("#id_title").input_value() == "Đèn đường hỏng trước số 12 Lý Thái Tổ"
    assert page.locator("#id_category").input_value() == "chieu-sang"
    assert page.locator("#id_contact_email").input_value() == "lan@example.vn"
    assert page.locator("#id_publish_consent").is_checked()
    assert page.locator("#id_latitude").input_value() == latitude
    pin = page.locator(".map-picker .leaflet-marker-icon")
    assert pin.count() == 1  # the pin is back too
    pin.scroll_into_view_if_needed()
    box = pin.bounding_box()  # and it can be dragged to the right spot
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 60, steps=5)
    page.mouse.up()
    page.wait_for_function(f"() => document.querySelector('#id_latitude').value !== '{latitude}'")
    assert float(page.locator("#id_latitude").input_value()) < float(latitude)  # dragged south
    assert page.locator("#draft-notice").is_visible()
    page.screenshot(path=str(screenshot_dir / "draft-restored.png"), full_page=True)

    page.set_input_files("#id_photos", str(photo_file(tmp_path, "anh.jpg")))
    page.wait_for_selector("#photo-previews li img")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(PRIVATE_URL)
    page.goto(f"{page.base_url}/gui/")
    assert page.locator("#id_title").input_value() == ""
    assert page.locator("#draft-notice").is_hidden()


def test_a_draft_survives_a_reload_while_offline(phone_page, phone_context, lighting, tmp_path):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    wait_for_worker(page)
    page.reload()  # the worker now controls the page and keeps the form
    phone_context.set_offline(True)
    try:
        page.fill("#id_title", "Ổ gà sâu trên đường Kinh Dương Vương")
        page.fill("#id_description", "Ổ gà sâu khoảng 20 cm, xe máy dễ ngã.")
        page.wait_for_timeout(400)
        page.reload()
        assert page.locator("#id_title").input_value() == "Ổ gà sâu trên đường Kinh Dương Vương"
        assert page.locator("#offline-banner").is_visible()
        with page.expect_navigation():
            page.get_by_role("button", name="Xóa nội dung đã lưu, nhập lại từ đầu").click()
        assert page.locator("#id_title").input_value() == ""
        assert page.locator("#draft-notice").is_hidden()
    finally:
        phone_context.set_offline(False)


def test_a_submission_made_offline_is_sent_once_when_the_network_returns(
        phone_page, phone_context, lighting, tmp_path, screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    wait_for_worker(page)
    page.reload()
    fill_form(page, tmp_path, title="Cống thoát nước bị tắc ở ngõ 5", photos=1)
    key = page.locator("input[name=idempotency_key]").input_value()
    phone_context.set_offline(True)
    try:
        page.get_by_role("button", name="Gửi phản ánh").click()
        page.locator("#outbox-notice [data-waiting]").wait_for()
        assert "Cống thoát nước bị tắc ở ngõ 5" in page.locator("#outbox-notice").inner_text()
        assert "sẽ tự gửi khi có mạng" in page.locator("#send-status").inner_text()
        page.get_by_role("button", name="Gửi phản ánh").click()  # an impatient second tap: same key
        page.screenshot(path=str(screenshot_dir / "offline-queued.png"), full_page=True)
        assert Submission.objects.count() == 0
        page.reload()  # still offline: the form comes back from the draft, and says so
        assert page.locator("#draft-notice").is_visible()
    finally:
        phone_context.set_offline(False)
    sent = page.locator("#outbox-notice [data-sent] a")
    sent.wait_for()
    code = re.search(TRACKING_CODE, sent.inner_text()).group(0)
    page.wait_for_timeout(500)  # a second sender (the worker's sync) would have posted by now
    feedback = Submission.objects.get()
    assert (feedback.tracking_code, feedback.idempotency_key, feedback.channel) == (code, key, "web")
    assert feedback.photos.count() == 1
    assert page.locator("#id_title").input_value() == ""  # the form starts afresh…
    assert page.locator("#draft-notice").is_hidden()  # …and no longer says a draft was restored
    assert page.locator("#description-count").inner_text() == "0"  # nor counts the sent text
    page.screenshot(path=str(screenshot_dir / "offline-sent.png"), full_page=True)
    sent.click()
    page.wait_for_url(re.compile(rf"/theo-doi/{code}/\?key="))
    page.goto(f"{page.base_url}/")
    page.locator("#mine").wait_for()
    assert code in page.locator("#mine").inner_text()


def test_similar_feedback_nearby_is_offered_before_sending(phone_page, world, lighting, tmp_path, screenshot_dir):
    near = make_submission(category=lighting, title="Đèn đường tắt cả dãy phố Lý Thái Tổ", publish_consent=True,
                         latitude="21.186100", longitude="106.076300", tracking_code="BN-TEST-0201")
    make_submission(category=lighting, title="Không công khai", latitude="21.186100", longitude="106.076300",
                  tracking_code="BN-TEST-0202")
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    page.get_by_label("Hiện trường").check()
    page.select_option("#id_category", "chieu-sang")
    # "Use my location" with the phone standing 80 m away.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 21.1868, "longitude": 106.0763, "accuracy": 12})
    page.get_by_role("button", name="Dùng vị trí của tôi").click()
    nearby = page.locator("#nearby")
    nearby.wait_for()
    assert page.locator("#id_latitude").input_value() == "21.186800"
    text = nearby.inner_text()
    assert "Đã có phản ánh tương tự gần đây" in text
    assert "Đèn đường tắt cả dãy phố Lý Thái Tổ" in text and "BN-TEST-0202" not in text
    assert re.search(r"cách khoảng (7\d|8\d) m", text)
    assert_accessible(page)
    page.screenshot(path=str(screenshot_dir / "nearby.png"), full_page=True)
    nearby.get_by_role("link", name="Xem và theo dõi").click()
    page.wait_for_url(f"**/phan-anh/{near.tracking_code}/")


def test_a_photo_taken_outside_the_province_does_not_place_the_pin(phone_page, lighting, tmp_path, screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/gui/")
    page.set_input_files("#id_photos", str(photo_file(tmp_path, "madrid.jpg", exif=gps_exif(*SPAIN))))
    page.locator("#photo-location-note").wait_for()
    assert "nằm ngoài tỉnh" in page.locator("#photo-location-note").inner_text()
    assert page.locator("#id_latitude").input_value() == ""
    page.set_input_files("#id_photos", str(photo_file(tmp_path, "bac-ninh.jpg", exif=gps_exif(*BAC_NINH))))
    page.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
    assert page.locator("#id_latitude").input_value().startswith("21.186")
    assert page.locator("#photo-location-note").is_hidden()


def test_public_page_has_its_map_and_is_accessible(phone_page, world, screenshot_dir):
    feedback = make_submission(category=world.category, ward=world.ward, title="Rác thải ven kênh",
                             publish_consent=True, anonymous=True, latitude="21.186149", longitude="106.076351")
    page = phone_page
    page.goto(f"{page.base_url}/phan-anh/{feedback.tracking_code}/")
    page.locator(".map-case.leaflet-container").wait_for()
    assert page.locator(".map-case").get_attribute("data-lat") == "21.186"  # rounded: an anonymous sender
    assert "21.186, 106.076" in page.locator(".case-facts").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(screenshot_dir / "public-case.png"), full_page=True)


def test_error_pages_are_vietnamese_and_in_the_layout(phone_page):
    page = phone_page
    response = page.goto(f"{page.base_url}/khong-co-trang-nay/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Không tìm thấy trang").is_visible()
    assert_accessible(page)


def test_a_private_page_once_opened_stays_readable_offline(phone_page, phone_context, world, screenshot_dir):
    feedback = make_submission(category=world.category, key=KEY, title="Cây đổ chắn ngang đường")
    page = phone_page
    page.goto(f"{page.base_url}/")
    wait_for_worker(page)
    page.goto(f"{page.base_url}/theo-doi/{feedback.tracking_code}/?key={KEY}")  # opened once, online
    page.get_by_role("heading", name="Cây đổ chắn ngang đường").wait_for()
    wait_until_remembered(page, feedback.tracking_code)
    phone_context.set_offline(True)
    try:
        page.goto(f"{page.base_url}/")
        page.locator("#mine").wait_for()  # shown once the device's list is read
        assert feedback.tracking_code in page.locator("#mine").inner_text()
        page.locator("#mine").get_by_role("link", name="Cây đổ chắn ngang đường").click()
        page.get_by_role("heading", name="Cây đổ chắn ngang đường").wait_for()
        assert page.locator("#offline-banner").is_visible()
        page.screenshot(path=str(screenshot_dir / "private-offline.png"), full_page=True)
        page.goto(f"{page.base_url}/")  # taken off the device: the list and the kept page go
        page.locator("#mine").get_by_role("button", name=f"Xóa khỏi máy này: {feedback.tracking_code}").click()
        page.locator("#mine").wait_for(state="hidden")
        page.goto(f"{page.base_url}/theo-doi/{feedback.tracking_code}/?key={KEY}")
        assert page.get_by_role("heading", name="Bạn đang ngoại tuyến").is_visible()
    finally:
        phone_context.set_offline(False)
