"""Privacy and the Content-Security-Policy in a real browser (Chromium, phone viewport) against a real
PAKN server (``python -m config.server``: the test live server would serve /media/ by itself,
around the application, and so could not show who gets a private photo).

The submitter sees their own private photo, downloads a copy of their data and erases their
contact data by clicking the forms of their private page; a stranger's browser gets nothing for
the photo's address; no page the citizen or an official opens breaks the site's CSP.
"""
import json

import pytest

from tests.notifications import servers

pytestmark = pytest.mark.browser

SETUP = """
import io, json
from PIL import Image
from core.images import process_image
from core.photo_files import store_image_files
from workflow.models import SubmissionPhoto
from tests.factories import AgencyFactory, CategoryFactory, WardFactory, make_submission, member
from tests.workflow.builders import case_in
from types import SimpleNamespace
from workflow.models import AgencyKind, Role, State
contact = {"contact_name": "Trần Văn Bình", "contact_phone": "0987654321", "contact_email": "binh@example.vn"}
province = AgencyFactory(code="ubnd-tinh", name_vi="UBND tỉnh", kind=AgencyKind.OTHER)
reception = AgencyFactory(code="ttpvhcc", kind=AgencyKind.RECEPTION, parent=province)
department = AgencyFactory(code="so-xd", parent=province)
world = SimpleNamespace(province=province, department=department, other=AgencyFactory(code="so-yt", parent=province),
                        ward=WardFactory(code="9001", name="Phường Kinh Bắc"),
                        category=CategoryFactory(code="ha-tang", name_vi="Hạ tầng đô thị"),
                        receptionist=member("tiepnhan", reception, Role.RECEPTION),
                        officer=member("xuly", department, Role.OFFICER),
                        supervisor=member("giamsat", province, Role.SUPERVISOR))
submission = make_submission(category=world.category, key="my-private-key", publish_consent=False, **contact)
buffer = io.BytesIO()
Image.new("RGB", (800, 600), (120, 160, 200)).save(buffer, "JPEG")
photo = SubmissionPhoto(submission=submission, width=800, height=600, source_format="JPEG")
store_image_files(photo, process_image(buffer.getvalue()), written=[])
photo.save()
case = case_in(world, State.IN_PROGRESS, **contact)
print(json.dumps({"code": submission.tracking_code, "image": photo.image.name, "thumbnail": photo.thumbnail.name,
                  "case": case.pk}))
"""
STORED_CONTACT = """
import json
from workflow.models import Submission
f = Submission.objects.get(tracking_code="{code}")
print(json.dumps([f.contact_name, f.contact_phone, f.contact_email]))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("privacy")
    env = servers.server_env(sqlite_path=folder / "db.sqlite3", extra={"MEDIA_ROOT": str(folder / "media")})
    servers.manage(["migrate", "--noinput"], env)
    data = servers.django_script(SETUP, env)
    port = servers.free_port()
    process = servers.start_daphne(port, env)
    try:
        servers.wait_until_ready(port, process)
        yield {"url": f"http://127.0.0.1:{port}", "env": env, **data}
    finally:
        servers.stop(process)


@pytest.fixture
def page(site, phone_context):
    page = phone_context.new_page()
    page.base_url = site["url"]
    yield page
    page.close()


def watch_csp(page):
    """Collect the browser's own reports of anything the policy blocked."""
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


def test_the_submitter_sees_their_photo_takes_a_copy_and_erases_their_contact(page, site, screenshot_dir):
    blocked = watch_csp(page)
    page.goto(f"{site['url']}/theo-doi/{site['code']}/?key=my-private-key")
    thumbnail = page.locator(".case-summary .photos img").first
    thumbnail.wait_for()
    page.wait_for_load_state("networkidle")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")  # the signed link opened it
    assert "my-private-key" not in thumbnail.get_attribute("src")

    page.click("#personal-data > summary")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải về dữ liệu của tôi (JSON)").click()
    copy = json.loads(download.value.path().read_text())
    assert (copy["tracking_code"], copy["contact"]["phone"]) == (site["code"], "0987654321")

    page.check("#id_erase_confirm")
    page.screenshot(path=str(screenshot_dir / "citizen-personal-data.png"), full_page=True)
    page.get_by_role("button", name="Xoá thông tin liên hệ").click()
    page.locator("#contact-erased").wait_for()
    assert "Đã xoá họ tên, số điện thoại và email của bạn." in page.locator(".messages").inner_text()
    assert "0987654321" not in page.content()
    assert servers.django_script(STORED_CONTACT.format(code=site["code"]), site["env"]) == ["", "", ""]
    assert blocked == []


def test_a_strangers_browser_gets_nothing_for_the_private_photos_address(page, site):
    for name in (site["image"], site["thumbnail"]):
        assert page.request.get(f"{site['url']}/media/{name}").status == 404  # with the browser's cookies: none
    public = page.goto(f"{site['url']}/phan-anh/{site['code']}/")
    assert public.status == 200 and site["thumbnail"] not in page.content()


def test_no_page_breaks_the_content_security_policy(page, site):
    blocked = watch_csp(page)
    for path in ("/", "/gui/", "/tra-cuu/", f"/phan-anh/{site['code']}/", "/ngoai-tuyen/", "/api/docs/",
                 "/admin/login/", "/staff/login/"):
        response = page.goto(site["url"] + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        if path == "/api/docs/":
            page.locator(".swagger-ui .info").wait_for()  # the docs started from their script file
    page.fill("#id_username", "giamsat")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site['url']}/staff/**")
    for path in ("/staff/", f"/staff/cases/{site['case']}/", "/dashboard/", "/notifications/"):
        response = page.goto(site["url"] + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
    assert blocked == [], blocked
