"""The citizen's pages, driven as a phone without JavaScript would: plain GETs and multipart POSTs."""
import io
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from workflow.models import Submission
from tests.factories import CategoryFactory
from workflow import services
from workflow.actors import staff_actor
from workflow.models import State

PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36")
SUBMIT_URL = "/gui/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Photos written by a test go to its own folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


def jpeg(name="den-duong.jpg", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(world, **overrides):
    data = {
        "kind": "on_site", "category": world.category.code, "title": "Đèn đường hỏng",
        "description": "Đèn đường trước số 12 phố Lý Thái Tổ tắt cả tuần nay.", "address": "12 Lý Thái Tổ",
        "ward": world.ward.code, "contact_name": "Nguyễn Thị Lan", "contact_phone": "0912 345 678",
        "contact_email": "lan@example.vn", "publish_consent": "on", "idempotency_key": str(uuid.uuid4()),
        "website": "", "latitude": "", "longitude": "",
    }
    data.update(overrides)
    return data


def submit(client, world, *, photo=True, **overrides):
    data = form_data(world, **overrides)
    if photo:
        data["photos"] = jpeg()
    return client.post(SUBMIT_URL, data, HTTP_USER_AGENT=PHONE_UA)


def code_and_key(response):
    parts = urlsplit(response["Location"])
    code = re.fullmatch(r"/theo-doi/([^/]+)/", parts.path).group(1)
    return code, parse_qs(parts.query)["key"][0]


def private_page(code, key, **extra):
    query = "&".join([f"key={key}"] + [f"{k}={v}" for k, v in extra.items()])
    return f"/theo-doi/{code}/?{query}"


# --- home and language -----------------------------------------------------------------------

def test_home_speaks_vietnamese_by_default(client, world):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in html
    assert "Gửi phản ánh" in html
    assert 'action="/tra-cuu/"' in html
    assert 'rel="manifest"' in html


def test_home_switches_to_english_and_keeps_its_data(client, world):
    submit(client, world)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    code = Submission.objects.get().tracking_code
    assert code in html  # the recent public case is still listed
    assert world.category.name_en in html


def test_home_lists_only_cases_whose_sender_consented(client, world):
    submit(client, world, title="Công khai được")
    submit(client, world, title="Riêng tư", publish_consent="")
    html = client.get("/").content.decode()
    assert "Công khai được" in html
    assert "Riêng tư" not in html


# --- the form --------------------------------------------------------------------------------

def test_form_renders_every_field_with_honeypot_and_a_fresh_idempotency_key(client, world):
    html = client.get(SUBMIT_URL).content.decode()
    for name in ("kind", "category", "title", "description", "photos", "latitude", "longitude", "address",
                 "ward", "contact_name", "contact_phone", "contact_email", "anonymous", "publish_consent"):
        assert f'name="{name}"' in html, name
    assert re.search(r'<input[^>]*name="website"[^>]*class="hp"|<input[^>]*class="hp"[^>]*name="website"', html)
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    photos = re.search(r'<input[^>]*name="photos"[^>]*>', html).group()
    for attribute in ('type="file"', 'accept="image/*"', 'capture="environment"', " multiple"):
        assert attribute in photos
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', html).group(1)
    other = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', client.get(SUBMIT_URL).content.decode())
    assert key != other.group(1)
    assert 'data-kinds="on_site procedure business"' in html
    assert world.ward.name in html


def test_category_options_carry_the_kinds_they_apply_to(client, world):
    CategoryFactory(code="thue", name_vi="Thuế", kinds=["business"])
    html = client.get(SUBMIT_URL).content.decode()
    assert re.search(r'<option value="thue" data-kinds="business">Thuế</option>', html)


def test_submitting_without_javascript_makes_a_web_case_from_a_phone(client, world):
    response = submit(client, world)
    assert response.status_code == 303
    code, key = code_and_key(response)
    assert "new=1" in response["Location"]
    feedback = Submission.objects.get(tracking_code=code)
    assert (feedback.channel, feedback.device_class) == ("web", "mobile")
    assert feedback.photos.count() == 1
    assert feedback.contact_phone == "0912345678"
    assert feedback.case.state == State.SUBMITTED


def test_the_confirmation_shows_the_code_the_private_link_and_what_happens_next(client, world):
    code, key = code_and_key(submit(client, world))
    response = client.get(private_page(code, key, new=1))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="big-code code" id="tracking-code">{code}</p>' in html
    assert f"/theo-doi/{code}/?key={key}" in html
    assert "Điều gì xảy ra tiếp theo?" in html
    assert "no-store" in response["Cache-Control"]
    # Only the origin goes out as a referrer (the page's own forms need it for CSRF), never the key.
    assert response["Referrer-Policy"] == "strict-origin"
    assert f'data-tracking-code="{code}"' in html and "data-live-feedback=" in html
    # The forms post to the address without the key; it travels in the body.
    assert f'action="/theo-doi/{code}/"' in html and f'action="/theo-doi/{code}/?' not in html


def test_the_same_idempotency_key_twice_makes_one_case(client, world):
    key = str(uuid.uuid4())
    first = submit(client, world, idempotency_key=key)
    second = submit(client, world, idempotency_key=key)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1


def test_a_reused_form_with_other_content_gets_a_fresh_key_instead_of_a_second_case(client, world):
    key = str(uuid.uuid4())
    submit(client, world, idempotency_key=key)
    response = submit(client, world, idempotency_key=key, title="Một việc khác")
    html = response.content.decode()
    assert response.status_code == 409
    assert Submission.objects.count() == 1
    assert "Một việc khác" in html
    new_key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert new_key != key
    assert submit(client, world, idempotency_key=new_key, title="Một việc khác").status_code == 303
    assert Submission.objects.count() == 2


def test_a_filled_honeypot_makes_no_case(client, world):
    response = submit(client, world, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == "/"
    assert Submission.objects.count() == 0


def test_too_many_submissions_from_one_address_are_refused_with_429(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "submissions": "2/hour"}}
    assert submit(client, world).status_code == 303
    assert submit(client, world).status_code == 303
    refused = submit(client, world, title="Lần thứ ba")
    assert refused.status_code == 429
    assert "Lần thứ ba" in refused.content.decode()
    assert Submission.objects.count() == 2


def test_errors_come_back_next_to_the_fields_and_keep_what_was_typed(client, world):
    response = submit(client, world, title="", description="Cống bị tắc, nước tràn lên đường.",
                      contact_phone="12345")
    html = response.content.decode()
    assert response.status_code == 400
    assert Submission.objects.count() == 0
    assert "Cống bị tắc, nước tràn lên đường." in html
    assert re.search(r'<div class="field has-error" id="field-title">.*?Nhập tiêu đề\.', html, re.S)
    assert re.search(r'id="field-contact_phone">.*?Số điện thoại không hợp lệ', html, re.S)


def test_an_on_site_case_without_a_photo_is_sent_back(client, world):
    response = submit(client, world, photo=False)
    assert response.status_code == 400
    assert re.search(r'id="field-photos">.*?Phản ánh hiện trường cần ít nhất một ảnh\.', response.content.decode(), re.S)
    assert Submission.objects.count() == 0


def test_a_browser_sending_an_empty_photo_input_means_no_photo(client, world):
    """Without JavaScript a browser sends the untouched file input as a part with no file name,
    which Django keeps in POST as an empty string."""
    response = submit(client, world, photo=False, kind="procedure", photos="")
    assert response.status_code == 303
    assert Submission.objects.get().photos.count() == 0


def test_an_on_site_case_without_any_location_is_sent_back_with_the_reason(client, world):
    response = submit(client, world, address="", ward="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Cho biết vị trí" in html
    assert Submission.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused_by_name(client, world):
    data = form_data(world)
    data["photos"] = SimpleUploadedFile("anh.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(SUBMIT_URL, data, HTTP_USER_AGENT=PHONE_UA)
    assert response.status_code == 400
    assert "Ảnh 1:" in response.content.decode()
    assert Submission.objects.count() == 0


def test_an_anonymous_submission_keeps_no_contact(client, world):
    code, key = code_and_key(submit(client, world, anonymous="on"))
    feedback = Submission.objects.get(tracking_code=code)
    assert feedback.anonymous
    assert (feedback.contact_name, feedback.contact_phone, feedback.contact_email) == ("", "", "")


def test_a_desktop_browser_is_recorded_as_desktop(client, world):
    data = form_data(world)
    data["photos"] = jpeg()
    client.post(SUBMIT_URL, data, HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0")
    assert Submission.objects.get().device_class == "desktop"


# --- lookup ----------------------------------------------------------------------------------

def test_lookup_by_code_leads_to_the_public_page(client, world):
    code, _key = code_and_key(submit(client, world))
    response = client.get("/tra-cuu/", {"code": f"  {code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/phan-anh/{code}/"


def test_lookup_of_an_unknown_code_says_so_with_404(client, world):
    response = client.get("/tra-cuu/", {"code": "BN-0000-9999"})
    assert response.status_code == 404
    assert "Không tìm thấy phản ánh có mã BN-0000-9999" in response.content.decode()


def test_lookup_without_a_code_shows_the_form(client, world):
    response = client.get("/tra-cuu/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


# --- public and private pages ------------------------------------------------------------------

def test_the_public_page_shows_status_and_timeline_but_no_contact(client, world):
    code, key = code_and_key(submit(client, world))
    response = client.get(f"/phan-anh/{code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chờ tiếp nhận" in html and "state-submitted" in html
    assert "Đã gửi phản ánh" in html  # the first step of the timeline
    for secret in ("Nguyễn Thị Lan", "0912345678", "lan@example.vn", key):
        assert secret not in html


def test_the_public_page_hides_the_text_of_a_sender_who_did_not_consent(client, world):
    code, _key = code_and_key(submit(client, world, publish_consent="", title="Nhà tôi bị ngập"))
    html = client.get(f"/phan-anh/{code}/").content.decode()
    assert "Nhà tôi bị ngập" not in html
    assert world.category.name_vi in html


def test_an_unknown_code_is_404(client, world):
    assert client.get("/phan-anh/BN-0000-0001/").status_code == 404


@pytest.mark.parametrize("key", ["", "wrong-key"])
def test_the_private_page_with_a_wrong_or_missing_key_is_the_same_404(client, world, key):
    code, _real = code_and_key(submit(client, world))
    response = client.get(f"/theo-doi/{code}/?key={key}")
    unknown = client.get(f"/theo-doi/BN-0000-0001/?key={key}")
    assert response.status_code == unknown.status_code == 404
    assert "Nguyễn Thị Lan" not in response.content.decode()
    main = re.compile(rb"<main.*</main>", re.S)
    assert main.search(response.content).group() == main.search(unknown.content).group()


def test_the_private_page_shows_the_senders_own_contact(client, world):
    code, key = code_and_key(submit(client, world))
    html = client.get(private_page(code, key)).content.decode()
    assert "Nguyễn Thị Lan" in html and "0912345678" in html
    assert 'name="action" value="withdraw"' in html
    assert 'name="action" value="rate"' not in html


# --- the citizen's actions through the private page ------------------------------------------

def test_the_citizen_withdraws_with_confirmation(client, world):
    code, key = code_and_key(submit(client, world))
    unconfirmed = client.post(private_page(code, key), {"action": "withdraw", "key": key})
    assert unconfirmed.status_code == 400
    assert Submission.objects.get().case.state == State.SUBMITTED
    response = client.post(private_page(code, key), {"action": "withdraw", "key": key, "confirm": "on"})
    assert response.status_code == 303
    assert Submission.objects.get().case.state == State.WITHDRAWN
    html = client.get(response["Location"]).content.decode()
    assert "Đã rút phản ánh." in html
    assert 'name="action" value="withdraw"' not in html


def test_an_action_with_a_wrong_key_is_404_and_changes_nothing(client, world):
    code, _key = code_and_key(submit(client, world))
    response = client.post(f"/theo-doi/{code}/?key=guess", {"action": "withdraw", "key": "guess", "confirm": "on"})
    assert response.status_code == 404
    assert Submission.objects.get().case.state == State.SUBMITTED


def answer(world, feedback):
    case = services.case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
    case = services.case_accept(case=case, actor=staff_actor(world.officer))
    return services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã thay bóng đèn mới.")


def test_the_citizen_rates_an_answer_and_the_case_closes(client, world):
    code, key = code_and_key(submit(client, world))
    answer(world, Submission.objects.get(tracking_code=code))
    page = client.get(private_page(code, key)).content.decode()
    assert "Đã thay bóng đèn mới." in page
    assert 'name="action" value="rate"' in page
    assert 'name="action" value="withdraw"' not in page
    response = client.post(private_page(code, key), {"action": "rate", "key": key, "rating": "satisfied",
                                                     "comment": "Cảm ơn"}, HTTP_USER_AGENT=PHONE_UA)
    assert response.status_code == 303
    case = Submission.objects.get().case
    assert (case.state, case.rating) == (State.CLOSED, "satisfied")
    assert case.events.filter(actor_kind="citizen").latest("pk").device_class == "mobile"


def test_rating_without_a_choice_is_sent_back(client, world):
    code, key = code_and_key(submit(client, world))
    answer(world, Submission.objects.get(tracking_code=code))
    response = client.post(private_page(code, key), {"action": "rate", "key": key})
    assert response.status_code == 400
    assert Submission.objects.get().case.state == State.ANSWERED


def test_the_citizen_provides_information_when_asked(client, world):
    code, key = code_and_key(submit(client, world))
    feedback = Submission.objects.get(tracking_code=code)
    services.case_request_info(case=feedback.case, actor=staff_actor(world.receptionist),
                               message="Xin chụp thêm ảnh cột đèn.")
    page = client.get(private_page(code, key)).content.decode()
    assert "Xin chụp thêm ảnh cột đèn." in page
    response = client.post(private_page(code, key), {"action": "provide_info", "key": key,
                                                     "message": "Đã gửi thêm ảnh.", "photos": jpeg("them.jpg")})
    assert response.status_code == 303
    feedback.refresh_from_db()
    assert feedback.case.state == State.SUBMITTED
    assert feedback.photos.count() == 2


# --- installable app --------------------------------------------------------------------------

def test_the_service_worker_is_served_from_the_root_with_the_shell_and_no_private_pages(client, db):
    response = client.get("/sw.js")
    source = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "/static/css/app.css" in source and "/ngoai-tuyen/" in source
    assert "__VERSION__" not in source and "__SHELL__" not in source
    assert 'request.method !== "GET"' in source


def test_the_manifest_names_the_app_in_vietnamese_with_icons(client, db):
    response = client.get(reverse("feedback:manifest"))
    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b71c1c"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_offline_page_renders(client, db):
    response = client.get("/ngoai-tuyen/")
    assert response.status_code == 200
    assert "ngoại tuyến" in response.content.decode()
