"""The officials' pages in a real browser on a phone-sized screen (390×844).

Chromium is driven through Playwright against the session's ASGI server; screenshots go to
tests/screenshots/ for people to look at. Skipped when /usr/bin/chromium is absent, unless
PAKN_REQUIRE_BROWSER=1 (CI), which turns the absence into a failure.
"""
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from core.images import process_image
from notifications.models import OutboxMessage
from tests.browser.conftest import (SCREENSHOTS, assert_accessible, checked_page, fits_the_screen, new_desktop_context,
                                     new_phone_context)
from tests.factories import PASSWORD, make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import State, Submission, SubmissionPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(asgi_live_server):
    """The session's one ASGI server (tests/browser/conftest.py)."""
    return asgi_live_server


@pytest.fixture
def phone(chromium_browser, server):
    yield from checked_page(new_phone_context(chromium_browser))


@pytest.fixture
def desktop(chromium_browser, server):
    yield from checked_page(new_desktop_context(chromium_browser))


@pytest.fixture
def media():
    """Photos written for a test, removed after it (the live server serves MEDIA_ROOT as configured)."""
    written = []
    yield written
    for file in written:
        file.storage.delete(file.name)


def street_photo():
    image = Image.new("RGB", (800, 600), (120, 160, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(90, 90, 90))
    draw.rectangle((380, 120, 400, 420), fill=(60, 60, 60))
    draw.ellipse((360, 90, 420, 140), fill=(250, 230, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return process_image(buffer.getvalue())


def attach_photo(submission, media):
    processed = street_photo()
    photo = SubmissionPhoto(submission=submission, width=processed.width, height=processed.height,
                  source_format=processed.source_format)
    photo.image.save("street.jpg", ContentFile(processed.content), save=False)
    photo.thumbnail.save("street-thumb.jpg", ContentFile(processed.thumbnail), save=False)
    photo.save()
    media.extend([photo.image, photo.thumbnail])


def sample_cases(world, media):
    reception = staff_actor(world.receptionist)
    lamp = make_submission(category=world.category, ward=world.ward, title="Đèn đường hỏng trước số 12 Nguyễn Trãi",
                         description="Đèn đường trước nhà số 12 đã tắt một tuần, buổi tối rất tối và nguy hiểm.",
                         contact_name="Nguyễn Văn An", contact_phone="0912345678",
                         latitude="21.186100", longitude="106.076300", address="12 Nguyễn Trãi")
    attach_photo(lamp, media)
    make_submission(category=world.category, ward=world.ward, title="Rác thải đổ xuống kênh Ngũ Huyện Khê")
    canal = make_submission(category=world.category, title="Ổ gà lớn trên đường Lý Thái Tổ").case
    services.case_route(case=canal, actor=reception, agency=world.department)
    return lamp.case


def log_in(page, base_url, username):
    page.goto(f"{base_url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/staff/**")


@pytest.fixture
def lamp(world, media):
    return sample_cases(world, media)


@pytest.fixture
def assigned_lamp(world, lamp):
    return services.case_route(case=lamp, actor=staff_actor(world.receptionist), agency=world.department)


def test_reception_inbox_on_a_phone(lamp, server, phone):
    log_in(phone, server.url, "tiepnhan")
    phone.goto(f"{server.url}/staff/?queue=all")

    row = phone.locator(f'#case-list [data-case-id="{lamp.pk}"]')
    assert row.is_visible()
    assert "Chờ tiếp nhận" in row.inner_text()
    assert phone.locator("#case-list [data-case-id]").count() == 3
    # Cards, not a table, on a phone.
    assert row.evaluate("tr => getComputedStyle(tr).display") == "flex"
    assert fits_the_screen(phone)
    assert_accessible(phone)  # the current tab's count once had too little contrast
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.goto(f"{server.url}/staff/")
    assert_accessible(phone)
    phone.screenshot(path=str(SCREENSHOTS / "staff-inbox.png"), full_page=True)


def test_officer_accepts_a_case_on_a_phone(assigned_lamp, server, phone):
    lamp = assigned_lamp
    log_in(phone, server.url, "xuly")
    phone.goto(f"{server.url}/staff/cases/{lamp.pk}/")

    assert phone.locator(".case-page").get_attribute("data-case-state") == State.ASSIGNED
    phone.click('form[data-action="accept"] button[type=submit]')
    phone.wait_for_selector('.case-page[data-case-state="in_progress"]')
    assert "Đã thực hiện: Nhận xử lý." in phone.locator(".messages").inner_text()
    # The main step, answering, is unfolded; the others stay folded.
    assert phone.locator("#id_answer_answer").is_visible()
    assert not phone.locator("#id_return_reason").is_visible()
    assert phone.locator('#action-answer input[type=file][name=photos]').get_attribute("accept") == "image/*"
    assert fits_the_screen(phone)
    # Vietnamese marks read best in the site's font, not the browser's monospace default.
    font = phone.locator("#id_answer_answer").evaluate("t => getComputedStyle(t).fontFamily")
    assert "monospace" not in font and font == phone.evaluate("getComputedStyle(document.body).fontFamily")
    assert_accessible(phone)
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "staff-case.png"), full_page=True)
    # The officer asks for more time (an internal step, marked "nội bộ" in the timeline).
    phone.locator("#action-request_extension > summary").click()
    phone.fill("#id_request_extension_days", "3")
    phone.fill("#id_request_extension_reason", "Cần thay cả cột đèn, chờ vật tư.")
    phone.click('form[data-action="request_extension"] button[type=submit]')
    phone.get_by_text("nội bộ").first.wait_for()
    assert_accessible(phone)


def test_a_pasted_link_without_spaces_stays_within_a_phones_screen(world, server, phone):
    """A title or a message with a word longer than the screen (a pasted link) wraps: the inbox,
    the case page and the citizen's private page keep the phone's width and their links tappable."""
    link = "https://example.vn/?tin=" + "duongngapnuockeodai" * 10
    submission = make_submission(category=world.category, ward=world.ward, title=link[:200], key="khoa-dai-0001",
                                 description=f"Xem {link}", contact_email="an@example.vn")
    case = services.case_request_info(case=submission.case, actor=staff_actor(world.receptionist),
                                      message=f"Vui lòng gửi ảnh rõ hơn. {link}{link}")
    log_in(phone, server.url, "tiepnhan")
    for address in ("/staff/?queue=all", f"/staff/cases/{case.pk}/"):
        phone.goto(server.url + address)
        assert fits_the_screen(phone), address
    phone.goto(f"{server.url}/staff/?queue=all")
    phone.click(f'#case-list [data-case-id="{case.pk}"] .c-title a')  # tappable, not covered by a stretched card
    phone.wait_for_url(f"{server.url}/staff/cases/{case.pk}/")
    phone.goto(f"{server.url}/theo-doi/{submission.tracking_code}/?key=khoa-dai-0001")
    assert phone.get_by_text("Vui lòng gửi ảnh rõ hơn.").first.is_visible()
    assert fits_the_screen(phone)
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "private-page-long-link.png"), full_page=True)


def test_a_supervisor_refuses_an_extension_on_a_phone(assigned_lamp, server, phone, world):
    """The request is decided before anything else on the page: grant is a button, refusing asks why."""
    case = services.case_accept(case=assigned_lamp, actor=staff_actor(world.officer))
    services.case_request_extension(case=case, actor=staff_actor(world.officer), days=5, reason="Chờ vật tư.")
    log_in(phone, server.url, "giamsat-so")
    phone.goto(f"{server.url}/staff/cases/{case.pk}/")
    actions = phone.locator("[data-action]").evaluate_all("forms => forms.map(f => f.dataset.action)")
    assert actions.index("grant_extension") < actions.index("answer")
    phone.locator("#action-refuse_extension > summary").click()
    phone.fill("#id_refuse_extension_reason", "Vật tư đã có trong kho, đề nghị hoàn thành đúng hạn.")
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "staff-refuse-extension.png"), full_page=True)
    phone.click('form[data-action="refuse_extension"] button[type=submit]')
    phone.get_by_text("Đã thực hiện: Không đồng ý gia hạn.").wait_for()
    assert phone.locator('form[data-action="grant_extension"]').count() == 0
    assert fits_the_screen(phone)
    assert_accessible(phone)


def test_a_draft_sent_back_is_edited_and_answered_again_on_a_phone(assigned_lamp, server, phone, world):
    """The supervisor sends a draft back from the page; the officer finds it returned, with the
    reason, in the answer box, and answers from it."""
    world.department.requires_approval = True
    world.department.save()
    case = services.case_accept(case=assigned_lamp, actor=staff_actor(world.officer))
    services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã thay bóng đèn.")
    log_in(phone, server.url, "giamsat-so")
    phone.goto(f"{server.url}/staff/cases/{case.pk}/")
    phone.locator("#action-send_back > summary").click()
    phone.fill("#id_send_back_reason", "Ghi rõ ngày thay.")
    phone.click('form[data-action="send_back"] button[type=submit]')
    phone.wait_for_selector('.case-page[data-case-state="in_progress"]')
    phone.context.clear_cookies()
    log_in(phone, server.url, "xuly")
    phone.goto(f"{server.url}/staff/cases/{case.pk}/")
    assert "Dự thảo bị trả lại" in phone.locator("#answer-h").inner_text()
    assert phone.get_by_text("Ghi rõ ngày thay.").first.is_visible()
    assert phone.locator("#id_answer_answer").input_value() == "Đã thay bóng đèn."
    phone.fill("#id_answer_answer", "Đã thay bóng đèn ngày 04/12/2026.")
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "staff-draft-sent-back.png"), full_page=True)
    phone.click('form[data-action="answer"] button[type=submit]')
    phone.wait_for_selector('.case-page[data-case-state="pending_approval"]')
    assert "Đã thay bóng đèn ngày 04/12/2026." in phone.locator(".case-main").inner_text()
    assert fits_the_screen(phone)


def test_inbox_and_case_page_on_a_desktop(lamp, server, desktop):
    log_in(desktop, server.url, "tiepnhan")
    desktop.goto(f"{server.url}/staff/?queue=all")
    # A table on a desktop: the column headings are shown.
    assert desktop.locator("#case-list thead").is_visible()
    row = desktop.locator(f'#case-list [data-case-id="{lamp.pk}"]')
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert fits_the_screen(desktop)
    SCREENSHOTS.mkdir(exist_ok=True)
    desktop.screenshot(path=str(SCREENSHOTS / "staff-inbox-desktop.png"), full_page=True)
    desktop.goto(f"{server.url}/staff/cases/{lamp.pk}/")
    assert desktop.locator("#id_route_agency").is_visible()
    desktop.click("#action-reject > summary")
    assert desktop.locator("#id_reject_reason_code").is_visible()
    desktop.screenshot(path=str(SCREENSHOTS / "staff-case-desktop.png"), full_page=True)


def test_the_dashboard_on_a_phone_is_accessible(lamp, server, phone):
    log_in(phone, server.url, "giamsat")
    phone.goto(f"{server.url}/dashboard/")
    assert phone.get_by_role("heading", level=1).is_visible()
    assert fits_the_screen(phone)
    assert_accessible(phone)
    phone.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)


# --- reception enters a PAKN received by telephone or at the counter --------------------------------

@pytest.fixture
def tmp_media(settings, tmp_path):
    """Photos the live server stores for these tests go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_reception_enters_a_phoned_in_pakn_from_its_page(world, tmp_media, server, phone):
    base = server.url
    log_in(phone, base, "tiepnhan")
    phone.click("#officer-entry-link")
    phone.wait_for_url(f"{base}/staff/nhap-phan-anh/")

    phone.get_by_label("Đường dây nóng").check()
    phone.get_by_label("Hiện trường").check()
    phone.select_option("#id_category", world.category.code)
    phone.fill("#id_description", "Cột điện nghiêng trước trường tiểu học Suối Hoa\nNguy cơ đổ khi mưa bão.")
    phone.fill("#id_address", "Trường tiểu học Suối Hoa")
    phone.select_option("#id_ward", world.ward.code)
    phone.fill("#id_contact_name", "Trần Văn Bình")
    phone.fill("#id_contact_phone", "0987 654 321")
    phone.check("#id_publish_consent")
    assert fits_the_screen(phone)
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "officer-entry-form.png"), full_page=True)
    phone.click("#officer-entry-submit")
    phone.wait_for_url(f"{base}/staff/cases/**")

    submission = Submission.objects.get()
    assert (submission.channel, submission.entered_by, submission.device_class) == (
        "hotline", world.receptionist, "unknown")
    assert submission.title == "Cột điện nghiêng trước trường tiểu học Suối Hoa"
    assert submission.contact_phone == "0987654321" and submission.publish_consent
    assert phone.locator(".messages").inner_text().startswith(f"Đã nhập phản ánh {submission.tracking_code}")
    assert phone.locator(".submission").inner_text().count("Đường dây nóng") == 1
    assert OutboxMessage.objects.filter(channel="sms", to="0987654321", kind="received").exists()
    phone.screenshot(path=str(SCREENSHOTS / "officer-entry-case.png"), full_page=True)

    breakdown = phone.request.get(f"{base}/api/v1/metrics/breakdown/?by=channel",
                                  headers={"Accept": "application/json"}).json()
    rows = {row["key"]: row for row in breakdown["rows"]}
    assert rows["hotline"]["submissions"] == 1


def test_a_counter_entry_shows_its_mistake_then_takes_the_visitors_photo(world, tmp_media, server, phone):
    photo = tmp_media / "anh-nguoi-dan.jpg"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(photo, "JPEG")
    base = server.url
    log_in(phone, base, "tiepnhan")
    phone.goto(f"{base}/staff/nhap-phan-anh/")
    phone.get_by_label("Quầy tiếp nhận").check()
    phone.get_by_label("Thủ tục hành chính").check()
    phone.select_option("#id_category", world.category.code)
    phone.fill("#id_description", "Hồ sơ cấp phép xây dựng nộp từ tháng trước chưa có kết quả.")
    phone.fill("#id_contact_phone", "12345")
    phone.click("#officer-entry-submit")
    phone.wait_for_selector("#field-contact_phone.has-error")
    assert not Submission.objects.exists()

    phone.fill("#id_contact_phone", "0912345678")
    phone.set_input_files("#id_photos", str(photo))
    phone.click("#officer-entry-submit")
    phone.wait_for_url(f"{base}/staff/cases/**")
    submission = Submission.objects.get()
    assert (submission.channel, submission.kind, submission.photos.count()) == ("counter", "procedure", 1)
