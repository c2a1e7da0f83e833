"""Reception enters a phoned-in PAKN from its page in a real browser: from the inbox's link, through
the form, to the new case's page; the case counts under ``hotline``. Screenshots in tests/screenshots/."""
import pytest
from PIL import Image

from feedback.models import Feedback
from notifications.models import OutboxMessage
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def visitor_photo(tmp_path):
    path = tmp_path / "anh-nguoi-dan.jpg"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(path, "JPEG")
    return path


def log_in(page, base_url, username):
    page.goto(f"{base_url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/staff/**")


def test_reception_enters_a_phoned_in_pakn_from_its_page(world, phone_page, screenshot_dir):
    page, base = phone_page, phone_page.base_url
    log_in(page, base, "tiepnhan")
    page.click("#officer-entry-link")
    page.wait_for_url(f"{base}/staff/nhap-phan-anh/")

    page.get_by_label("Đường dây nóng").check()
    page.get_by_label("Hiện trường").check()
    page.select_option("#id_category", world.category.code)
    page.fill("#id_description", "Cột điện nghiêng trước trường tiểu học Suối Hoa\nNguy cơ đổ khi mưa bão.")
    page.fill("#id_address", "Trường tiểu học Suối Hoa")
    page.select_option("#id_ward", world.ward.code)
    page.fill("#id_contact_name", "Trần Văn Bình")
    page.fill("#id_contact_phone", "0987 654 321")
    page.check("#id_publish_consent")
    page.screenshot(path=str(screenshot_dir / "officer-entry-form.png"), full_page=True)
    page.click("#officer-entry-submit")
    page.wait_for_url(f"{base}/staff/cases/**")

    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.entered_by, feedback.device_class) == ("hotline", world.receptionist,
                                                                              "unknown")
    assert feedback.title == "Cột điện nghiêng trước trường tiểu học Suối Hoa"
    assert feedback.contact_phone == "0987654321" and feedback.publish_consent
    assert page.locator(".messages").inner_text().startswith(f"Đã nhập phản ánh {feedback.tracking_code}")
    assert page.locator(".submission").inner_text().count("Đường dây nóng") == 1
    assert OutboxMessage.objects.filter(channel="sms", to="0987654321", kind="received").exists()
    page.screenshot(path=str(screenshot_dir / "officer-entry-case.png"), full_page=True)

    breakdown = page.request.get(f"{base}/api/v1/metrics/breakdown/?by=channel",
                                 headers={"Accept": "application/json"}).json()
    rows = {row["key"]: row for row in breakdown["rows"]}
    assert rows["hotline"]["submissions"] == 1


def test_a_mistake_is_shown_and_the_visitors_photo_goes_in_on_the_second_try(world, phone_page, visitor_photo):
    page, base = phone_page, phone_page.base_url
    log_in(page, base, "tiepnhan")
    page.goto(f"{base}/staff/nhap-phan-anh/")
    page.get_by_label("Quầy tiếp nhận").check()
    page.get_by_label("Thủ tục hành chính").check()
    page.select_option("#id_category", world.category.code)
    page.fill("#id_description", "Hồ sơ cấp phép xây dựng nộp từ tháng trước chưa có kết quả.")
    page.fill("#id_contact_phone", "12345")
    page.click("#officer-entry-submit")
    page.wait_for_selector("#field-contact_phone.has-error")
    assert not Feedback.objects.exists()

    page.fill("#id_contact_phone", "0912345678")
    page.set_input_files("#id_photos", str(visitor_photo))
    page.click("#officer-entry-submit")
    page.wait_for_url(f"{base}/staff/cases/**")
    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.kind, feedback.photos.count()) == ("counter", "procedure", 1)
