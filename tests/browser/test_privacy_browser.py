"""Privacy and the Content-Security-Policy in a real browser (Chromium, phone viewport) against the
session's ASGI server, which serves /media/ through the application's photo rule.

The submitter sees their own private photo (on the page, in the part swapped in live, and on the
copy kept for offline reading), downloads a copy of their data and erases their contact data by
clicking the forms of their private page; a stranger's browser gets nothing for the photo's
address; and no page of the journey, the citizen's or the officials', breaks the site's CSP.
"""
import io
import json

import pytest
from PIL import Image, ImageDraw

from core.images import process_image
from core.photo_files import store_image_files
from tests.browser.conftest import (assert_no_csp_violations, csp_violations, new_phone_context, wait_for_worker,
                                     wait_until_remembered)
from tests.factories import PASSWORD, CategoryFactory, make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import Submission, SubmissionPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "khoa-rieng-cua-nguoi-gui-0042"
CONTACT = {"contact_name": "Trần Văn Bình", "contact_phone": "0987654321", "contact_email": "binh@example.vn"}
AT = {"latitude": "21.186100", "longitude": "106.076300"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photos the live server stores and serves go to the test's own folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


def add_photo(submission, *, colour=(120, 160, 200)):
    """A stored street photo of ``submission``: public only if the submitter consented."""
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(90, 90, 90))
    draw.ellipse((360, 90, 420, 140), fill=(250, 230, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    photo = SubmissionPhoto(submission=submission, width=800, height=600, source_format="JPEG")
    store_image_files(photo, process_image(buffer.getvalue()), written=[], public=submission.publish_consent)
    photo.save()
    return photo


@pytest.fixture
def lighting(world):
    return CategoryFactory(code="chieu-sang", name_vi="Chiếu sáng công cộng", name_en="Street lighting",
                           kinds=["on_site"])


@pytest.fixture
def private_lamp(world, lighting):
    """A submission without consent to publish, with a photo, a position and contact data."""
    submission = make_submission(category=lighting, key=KEY, title="Đèn đường hỏng trước số 12 Lý Thái Tổ",
                                 publish_consent=False, **AT, **CONTACT)
    add_photo(submission)
    return submission


def shows_its_image(locator):
    """The <img> (lazy-loaded: brought into view first) loaded real pixels, not a broken image."""
    locator.scroll_into_view_if_needed()
    locator.page.wait_for_function("img => img.complete", arg=locator.element_handle())
    return locator.evaluate("img => img.naturalWidth > 0")


def kept_paths(page):
    """The paths the offline worker keeps for private pages (pages and their photos)."""
    return page.evaluate("""() => caches.open("pakn-pages-v1").then(cache => cache.keys())
        .then(keys => keys.map(request => new URL(request.url).pathname))""")


def log_in(page, base_url, username):
    page.goto(f"{base_url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/staff/**")


def test_the_submitter_sees_their_photo_takes_a_copy_and_erases_their_contact(phone_page, private_lamp,
                                                                              screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/theo-doi/{private_lamp.tracking_code}/?key={KEY}")
    thumbnail = page.locator(".case-summary .photos img").first
    thumbnail.wait_for()
    page.wait_for_load_state("networkidle")
    assert shows_its_image(thumbnail)  # the signed link opened it
    assert KEY not in thumbnail.get_attribute("src") and "?t=" in thumbnail.get_attribute("src")

    page.click("#personal-data > summary")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải về dữ liệu của tôi (JSON)").click()
    copy = json.loads(download.value.path().read_text())
    assert (copy["tracking_code"], copy["contact"]["phone"]) == (private_lamp.tracking_code, "0987654321")

    page.check("#id_erase_confirm")
    page.screenshot(path=str(screenshot_dir / "citizen-personal-data.png"), full_page=True)
    page.get_by_role("button", name="Xoá thông tin liên hệ").click()
    page.locator("#contact-erased").wait_for()
    assert "Đã xoá họ tên, số điện thoại và email của bạn." in page.locator(".messages").inner_text()
    assert "0987654321" not in page.content()
    stored = Submission.objects.get(pk=private_lamp.pk)
    assert (stored.contact_name, stored.contact_phone, stored.contact_email) == ("", "", "")
    assert stored.key_matches(KEY)  # the private link still opens the page


def test_a_strangers_browser_gets_nothing_for_the_private_photos_address(phone_page, private_lamp):
    page = phone_page
    photo = private_lamp.photos.get()
    for name in (photo.image.name, photo.thumbnail.name):
        assert page.request.get(f"{page.base_url}/media/{name}").status == 404  # with the browser's cookies: none
    public = page.goto(f"{page.base_url}/phan-anh/{private_lamp.tracking_code}/")
    assert public.status == 200 and photo.thumbnail.name not in page.content()


def test_a_private_page_kept_for_offline_reading_keeps_its_photos(phone_page, phone_context, private_lamp,
                                                                  screenshot_dir):
    page = phone_page
    page.goto(f"{page.base_url}/")
    wait_for_worker(page)
    page.goto(f"{page.base_url}/theo-doi/{private_lamp.tracking_code}/?key={KEY}")  # opened once, online
    page.locator(".case-summary .photos img").first.wait_for()
    wait_until_remembered(page, private_lamp.tracking_code)
    for _ in range(100):  # the worker keeps the photos a moment after the page
        if any(path.startswith("/media/") for path in kept_paths(page)):
            break
        page.wait_for_timeout(100)
    assert any(path.startswith("/media/") for path in kept_paths(page))
    phone_context.set_offline(True)
    try:
        page.goto(f"{page.base_url}/theo-doi/{private_lamp.tracking_code}/?key={KEY}")
        assert page.locator("#offline-banner").is_visible()
        assert shows_its_image(page.locator(".case-summary .photos img").first)
        page.screenshot(path=str(screenshot_dir / "private-offline-photo.png"), full_page=True)
        page.goto(f"{page.base_url}/")  # taken off the device: the page and its photos go
        page.locator("#mine").get_by_role("button", name=f"Xóa khỏi máy này: {private_lamp.tracking_code}").click()
        page.locator("#mine").wait_for(state="hidden")
        assert kept_paths(page) == []
    finally:
        phone_context.set_offline(False)


def test_no_page_of_the_journey_breaks_the_content_security_policy(
        chromium_browser, asgi_live_server, world, lighting, private_lamp, tmp_path, screenshot_dir):
    """Home, the form with its map, the private page (and its live part), the public page, the
    public map and statistics, the staff inbox, the staff case page and the dashboard with its map,
    used as people use them, under the real policy; map tiles are asked for (and refused by the
    test, after the policy let them go)."""
    base = asgi_live_server.url
    services.case_route(case=private_lamp.case, actor=staff_actor(world.receptionist), agency=world.department)
    shared = make_submission(category=lighting, title="Đèn đường tắt cả dãy phố", publish_consent=True, **AT)
    add_photo(shared, colour=(200, 120, 80))
    citizen_context, officer_context = new_phone_context(chromium_browser), new_phone_context(chromium_browser)
    tiles = []
    citizen_context.route("https://tile.openstreetmap.org/**", lambda route: (tiles.append(route.request.url),
                                                                             route.abort("blockedbyclient")))
    citizen, officer = citizen_context.new_page(), officer_context.new_page()
    try:
        for path in ("/", "/tra-cuu/", "/ngoai-tuyen/", "/ban-do/", "/thong-ke/", "/api/docs/", "/admin/login/"):
            response = citizen.goto(base + path)
            citizen.wait_for_load_state("networkidle")
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"], path
            if path == "/api/docs/":
                citizen.locator(".swagger-ui .info").wait_for()  # the docs started from their script file
            if path == "/ban-do/":  # the public map drew what its API answered (the shared case)
                citizen.locator("#public-map .leaflet-marker-icon").first.wait_for()

        # The form: a pin dropped on the map, a photo previewed, similar cases fetched nearby.
        citizen.goto(f"{base}/gui/")
        citizen.get_by_label("Hiện trường").check()
        citizen.select_option("#id_category", "chieu-sang")
        citizen.locator("#location-map.leaflet-container").click(position={"x": 180, "y": 120})
        citizen.wait_for_function("() => document.querySelector('#id_latitude').value !== ''")
        photo = tmp_path / "den.jpg"
        Image.new("RGB", (1200, 900), (90, 120, 160)).save(photo, "JPEG")
        citizen.set_input_files("#id_photos", str(photo))
        citizen.wait_for_selector("#photo-previews li img")
        citizen.context.grant_permissions(["geolocation"])
        citizen.context.set_geolocation({"latitude": 21.1862, "longitude": 106.0763, "accuracy": 10})
        citizen.get_by_role("button", name="Dùng vị trí của tôi").click()
        citizen.locator("#nearby").wait_for()
        assert tiles  # the policy let the map ask its tile server
        citizen.screenshot(path=str(screenshot_dir / "csp-form-with-map.png"), full_page=True)

        # The private page: its map and its private photo through a signed link.
        citizen.goto(f"{base}/theo-doi/{private_lamp.tracking_code}/?key={KEY}")
        citizen.locator(".map-case.leaflet-container").wait_for()
        first_thumbnail = citizen.locator("#private-live .photos img").first
        citizen.wait_for_load_state("networkidle")
        assert shows_its_image(first_thumbnail)
        citizen.evaluate("document.querySelector('#private-live .photos img').dataset.before = '1'")
        citizen.screenshot(path=str(screenshot_dir / "csp-private.png"), full_page=True)

        # The officials' pages; the officer's action reaches the citizen's page live.
        log_in(officer, base, "xuly")
        for path in ("/staff/", f"/staff/cases/{private_lamp.case_id}/", "/dashboard/", "/notifications/"):
            response = officer.goto(base + path)
            officer.wait_for_load_state("networkidle")
            assert response.status == 200, path
            if path == "/dashboard/":  # the dashboard's map drew its cases
                officer.locator("#case-map .leaflet-marker-icon").first.wait_for()
        officer.goto(f"{base}/staff/cases/{private_lamp.case_id}/")
        assert shows_its_image(officer.locator(".photos img").first)  # staff who may see the case
        officer.click('form[data-action="accept"] button[type=submit]')
        officer.wait_for_selector(".messages")
        citizen.locator("#private-live .badge.state-in_progress").wait_for()
        swapped = citizen.locator("#private-live .photos img").first
        assert swapped.get_attribute("data-before") is None  # the live part was swapped in
        assert citizen.locator(".copy-button").count() == 1  # the private link stays outside the live part
        assert citizen.locator(".copy-button").is_visible()
        assert shows_its_image(swapped)
        citizen.screenshot(path=str(screenshot_dir / "csp-private-live.png"), full_page=True)

        # The public page of a case shared with consent: its photo and map.
        citizen.goto(f"{base}/phan-anh/{shared.tracking_code}/")
        citizen.locator(".map-case.leaflet-container").wait_for()
        citizen.wait_for_load_state("networkidle")
        assert shows_its_image(citizen.locator(".photos img").first)

        assert_no_csp_violations(citizen_context)
        assert_no_csp_violations(officer_context)
        # The recorder is live: a picture from a host the policy does not name is reported.
        citizen.evaluate("""() => { const img = document.createElement("img");
            img.src = "https://photos.example.org/x.png"; document.body.append(img); }""")
        for _ in range(50):  # the report comes back from the browser a moment later
            reported = [v["directive"] for v in csp_violations(citizen_context) if "directive" in v]
            if reported:
                break
            citizen.wait_for_timeout(100)
        assert reported == ["img-src"]
    finally:
        citizen_context.close()
        officer_context.close()
