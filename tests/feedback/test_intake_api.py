"""POST /api/v1/feedback/: a citizen's submission from a phone, end to end."""
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from core.errors import ValidationFailed
from core.models import Ward
from workflow.models import Submission, SubmissionPhoto
from tests.factories import CategoryFactory
from tests.feedback import (
    DESKTOP_UA, PHONE_UA, jpeg, media_files, on_site_data, post_json, post_multipart, procedure_json, upload,
)
from workflow.models import Case, CaseEvent

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = re.compile(r"^BN-\d{4}-\d{4}$")


def assert_nothing_created():
    assert Submission.objects.count() == 0
    assert Case.objects.count() == 0
    assert SubmissionPhoto.objects.count() == 0


# --- what a successful submission returns and stores --------------------------------------------

def test_procedure_feedback_is_accepted_as_json_without_photos(client, world, media):
    response = post_json(client, procedure_json(world))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"tracking_code", "status", "private_url"}
    assert CODE.match(body["tracking_code"])
    assert body["status"] == "submitted"
    feedback = Submission.objects.get(tracking_code=body["tracking_code"])
    assert feedback.kind == "procedure" and feedback.channel == "api"
    assert feedback.case.state == "submitted" and feedback.case.category == world.category
    assert feedback.contact_phone == "0912345678"


def test_on_site_feedback_with_a_photo_stores_the_photo_and_its_thumbnail(client, world, media):
    response = post_multipart(client, on_site_data(world, photos=[upload(name="nguyen-thi-hoa-nha-12.jpg")]))

    assert response.status_code == 201, response.json()
    feedback = Submission.objects.get()
    photo = feedback.photos.get()
    assert (photo.width, photo.height, photo.source_format) == (64, 48, "JPEG")
    assert feedback.ward == world.ward and feedback.case.ward == world.ward
    assert str(feedback.latitude) == "21.186123" and not feedback.location_from_photo
    files = media_files(media)
    assert len(files) == 2  # the stored copy and its thumbnail
    assert all("hoa" not in name and "nguyen" not in name and "IMG" not in name for name in files)


def test_private_url_is_the_submitters_page_with_an_unguessable_key(client, world, media):
    body = post_json(client, procedure_json(world)).json()

    url = urlsplit(body["private_url"])
    assert url.scheme == "http" and url.netloc == "testserver"
    assert url.path == reverse("feedback:private", kwargs={"code": body["tracking_code"]})
    key = parse_qs(url.query)["key"][0]
    assert len(key) >= 32
    feedback = Submission.objects.get()
    assert feedback.key_matches(key)
    assert key not in feedback.private_key_hash
    assert not feedback.key_matches(key[:-1] + ("A" if key[-1] != "A" else "B"))


def test_two_submissions_get_different_keys(client, world, media):
    first = post_json(client, procedure_json(world)).json()["private_url"]
    second = post_json(client, procedure_json(world)).json()["private_url"]
    assert first.split("key=")[1] != second.split("key=")[1]


def test_tracking_codes_run_per_month_in_vietnam_time(client, world, media):
    # 17:30 UTC on 31 October is already 1 November in Bắc Ninh.
    with time_machine.travel(datetime(2026, 10, 31, 17, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        first = post_json(client, procedure_json(world)).json()["tracking_code"]
        second = post_json(client, procedure_json(world)).json()["tracking_code"]
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        december = post_json(client, procedure_json(world)).json()["tracking_code"]

    assert (first, second, december) == ("BN-2611-0001", "BN-2611-0002", "BN-2612-0001")


def test_opening_the_case_is_logged_as_a_citizen_step_with_its_device(client, world, media):
    post_json(client, procedure_json(world))

    event = CaseEvent.objects.get()
    assert (event.transition, event.to_state, event.actor_kind, event.device_class) == (
        "submit", "submitted", "citizen", "mobile")


# --- channel and device -------------------------------------------------------------------------

@pytest.mark.parametrize(("user_agent", "expected"), [
    (PHONE_UA, "mobile"),
    (DESKTOP_UA, "desktop"),
    ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", "tablet"),
    ("", "unknown"),
])
def test_device_class_comes_from_the_user_agent(client, world, media, user_agent, expected):
    post_json(client, procedure_json(world), HTTP_USER_AGENT=user_agent)
    assert Submission.objects.get().device_class == expected


def test_an_api_client_may_declare_its_device(client, world, media):
    post_json(client, procedure_json(world, device="mobile"), HTTP_USER_AGENT="okapp-server/2.0 (Linux x86_64)")
    assert Submission.objects.get().device_class == "mobile"


def test_a_declared_device_must_be_a_known_class(client, world, media):
    response = post_json(client, procedure_json(world, device="phablet"))
    assert response.status_code == 400
    assert "device" in response.json()["fields"]


def test_an_api_client_cannot_claim_the_open311_channel(client, world, media):
    """Open311 is recorded only through /open311/v2/ (tests/open311)."""
    response = post_json(client, procedure_json(world, channel="open311"))
    assert response.status_code == 400
    assert response.json()["fields"]["channel"] == ["Kênh open311 chỉ dùng qua /open311/v2/."]
    assert_nothing_created()


def test_an_api_client_cannot_claim_the_hotline_channel(client, world, media):
    response = post_json(client, procedure_json(world, channel="hotline"))
    assert response.status_code == 400 and "channel" in response.json()["fields"]
    assert_nothing_created()


# --- field rules ----------------------------------------------------------------------------------

FIELD_ERRORS = [
    ({"kind": None}, "kind", "Chọn loại phản ánh."),
    ({"kind": "complaint"}, "kind", "Loại phản ánh không hợp lệ."),
    ({"category": None}, "category", "Chọn lĩnh vực."),
    ({"category": "khong-co"}, "category", "Lĩnh vực không tồn tại hoặc đã ngừng sử dụng."),
    ({"category": "ngung-dung"}, "category", "Lĩnh vực không tồn tại hoặc đã ngừng sử dụng."),
    ({"category": "chi-doanh-nghiep"}, "category", "Lĩnh vực này không áp dụng cho loại phản ánh đã chọn."),
    ({"title": None}, "title", "Nhập tiêu đề."),
    ({"title": "   "}, "title", "Nhập tiêu đề."),
    ({"title": "Đ" * 201}, "title", "Tiêu đề tối đa 200 ký tự."),
    ({"description": None}, "description", "Nhập nội dung phản ánh."),
    ({"description": "ệ" * 4001}, "description", "Nội dung tối đa 4000 ký tự."),
    ({"latitude": 21.18}, "longitude", "Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."),
    ({"longitude": 106.07}, "latitude", "Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."),
    ({"latitude": 91, "longitude": 106}, "latitude", "Vĩ độ từ -90 đến 90."),
    ({"latitude": 21, "longitude": 181}, "longitude", "Kinh độ từ -180 đến 180."),
    ({"latitude": "bắc", "longitude": 106}, "latitude", "Vĩ độ phải là một số."),
    ({"ward": "0000"}, "ward", "Phường/xã không tồn tại."),
    ({"ward": "9999"}, "ward", "Phường/xã không tồn tại."),
    ({"contact_phone": "12345"}, "contact_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."),
    ({"contact_phone": "0112345678"}, "contact_phone", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."),
    ({"contact_email": "hoa@"}, "contact_email", "Địa chỉ email không hợp lệ."),
    ({"address": "x" * 301}, "address", "Địa chỉ tối đa 300 ký tự."),
]


@pytest.mark.parametrize(("overrides", "field", "message"), FIELD_ERRORS)
def test_every_field_rule_answers_400_naming_the_field(client, world, media, overrides, field, message):
    CategoryFactory(code="ngung-dung", is_active=False)
    CategoryFactory(code="chi-doanh-nghiep", kinds=["business"])
    Ward.objects.create(code="9999", name="Xã cũ", division_type="xã", province_code=24, is_active=False)

    response = post_json(client, procedure_json(world, **overrides))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "Dữ liệu gửi lên chưa hợp lệ."
    assert body["fields"][field] == [message]
    assert_nothing_created()


def test_a_description_of_exactly_4000_vietnamese_characters_is_accepted(client, world, media):
    response = post_json(client, procedure_json(world, description="Đường ngập nước. " * 235 + "ệ" * 5))
    assert response.status_code == 201
    assert len(Submission.objects.get().description) == 4000


def test_decomposed_vietnamese_letters_are_stored_composed(client, world, media):
    decomposed = "Đe\u0300n đươ\u0300ng ho\u0309ng"
    post_json(client, procedure_json(world, title=decomposed))
    assert Submission.objects.get().title == "Đèn đường hỏng"


@pytest.mark.parametrize("written", ["+84 912 345 678", "84912345678", "0912.345.678", "(091) 234-5678",
                                     "0912345678"])
def test_vietnamese_phone_numbers_are_normalised(client, world, media, written):
    post_json(client, procedure_json(world, contact_phone=written))
    assert Submission.objects.get().contact_phone == "0912345678"


def test_a_landline_number_is_accepted(client, world, media):
    post_json(client, procedure_json(world, contact_phone="0222 3821 234"))
    assert Submission.objects.get().contact_phone == "02223821234"


def test_an_anonymous_submission_keeps_no_contact_details(client, world, media):
    response = post_json(client, procedure_json(world, anonymous=True))
    assert response.status_code == 201
    feedback = Submission.objects.get()
    assert feedback.anonymous
    assert (feedback.contact_name, feedback.contact_phone, feedback.contact_email) == ("", "", "")


def test_on_site_feedback_without_a_photo_is_refused(client, world, media):
    data = on_site_data(world)
    data.pop("photos")
    response = post_multipart(client, data)
    assert response.status_code == 400
    assert response.json()["fields"]["photos"] == ["Phản ánh hiện trường cần ít nhất một ảnh."]
    assert_nothing_created()


def test_six_photos_are_one_too_many(client, world, media):
    response = post_multipart(client, on_site_data(world, photos=[upload() for _ in range(6)]))
    assert response.status_code == 400
    assert response.json()["fields"]["photos"] == ["Gửi tối đa 5 ảnh."]
    assert_nothing_created()
    assert media_files(media) == []


def test_five_photos_are_accepted(client, world, media):
    colours = [(10 * i, 40, 200) for i in range(5)]
    response = post_multipart(client, on_site_data(world, photos=[upload(jpeg(c)) for c in colours]))
    assert response.status_code == 201
    assert list(Submission.objects.get().photos.values_list("position", flat=True)) == [0, 1, 2, 3, 4]


def test_a_file_that_is_not_an_image_is_refused_naming_the_photo(client, world, media):
    fake = upload(b"%PDF-1.7 not a photo at all", name="anh.jpg")
    response = post_multipart(client, on_site_data(world, photos=[upload(), fake]))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_format"
    assert body["fields"]["photos"][0].startswith("Ảnh 2: Định dạng ảnh không được hỗ trợ.")
    assert_nothing_created()
    assert media_files(media) == []


def test_a_broken_jpeg_is_refused(client, world, media):
    response = post_multipart(client, on_site_data(world, photos=[upload(jpeg()[:200])]))
    assert response.status_code == 400
    assert response.json()["fields"]["photos"][0].startswith("Ảnh 1: Tệp ảnh bị hỏng")


def test_a_photo_over_the_byte_limit_is_413(client, world, media, settings):
    settings.PAKN_PHOTO_MAX_BYTES = 2_000
    big = jpeg(size=(400, 300)) + b"\0" * 3_000
    response = post_multipart(client, on_site_data(world, photos=[upload(big)]))

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["fields"]["photos"][0].startswith("Ảnh 1: Ảnh quá lớn")
    assert_nothing_created()


def test_a_body_over_the_request_limit_is_413_before_anything_reads_it(client, world, media, settings):
    settings.PAKN_REQUEST_MAX_BYTES = 10_000
    response = post_multipart(client, on_site_data(world, photos=[upload(b"\xff\xd8\xff" + b"\0" * 20_000)]))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert_nothing_created()


# --- location ---------------------------------------------------------------------------------

def test_on_site_feedback_needs_somewhere_to_go(client, world, media):
    data = on_site_data(world, latitude=None, longitude=None, address=None, ward=None)
    response = post_multipart(client, data)
    assert response.status_code == 400
    assert response.json()["fields"]["location"] == [
        "Cho biết vị trí: chọn trên bản đồ, nhập địa chỉ hoặc chọn phường/xã."]
    assert_nothing_created()


def test_the_photos_gps_position_is_used_when_none_was_given(client, world, media):
    photo = upload(jpeg(gps=(21.1861, 106.0763)))
    data = on_site_data(world, latitude=None, longitude=None, address=None, ward=None, photos=[upload(), photo])

    response = post_multipart(client, data)

    assert response.status_code == 201, response.json()
    feedback = Submission.objects.get()
    assert feedback.location_from_photo
    assert float(feedback.latitude) == pytest.approx(21.1861, abs=1e-5)
    assert float(feedback.longitude) == pytest.approx(106.0763, abs=1e-5)


def test_given_coordinates_win_over_the_photos_gps(client, world, media):
    post_multipart(client, on_site_data(world, photos=[upload(jpeg(gps=(10.0, 105.0)))]))
    feedback = Submission.objects.get()
    assert not feedback.location_from_photo and str(feedback.latitude) == "21.186123"


def test_stored_photos_carry_no_gps(client, world, media):
    post_multipart(client, on_site_data(world, photos=[upload(jpeg(gps=(21.1861, 106.0763)))]))
    photo = SubmissionPhoto.objects.get()
    with photo.image.open("rb") as stored:
        assert b"Exif" not in stored.read()


# --- spam and abuse ----------------------------------------------------------------------------

def test_a_filled_honeypot_is_refused_without_saying_why(client, world, media):
    response = post_json(client, procedure_json(world, website="http://spam.example"))
    assert response.status_code == 400
    assert response.json() == {"message": "Không thể gửi phản ánh. Vui lòng thử lại.", "code": "rejected",
                                "fields": {}}
    assert_nothing_created()


def test_too_many_submissions_from_one_address_are_throttled(client, world, media, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "submissions": "2/hour"}}

    statuses = [post_json(client, procedure_json(world)).status_code for _ in range(3)]
    other_address = post_json(client, procedure_json(world), REMOTE_ADDR="10.0.0.9")

    assert statuses == [201, 201, 429]
    assert other_address.status_code == 201
    cache.clear()


def test_a_throttled_answer_uses_the_api_error_shape(client, world, media, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "submissions": "1/hour"}}
    post_json(client, procedure_json(world))

    response = post_json(client, procedure_json(world))

    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and "Retry-After" in response.headers
    assert Submission.objects.count() == 1
    cache.clear()


# --- nothing half-saved -------------------------------------------------------------------------

def test_nothing_is_left_when_saving_the_second_photo_fails(client, world, media, monkeypatch):
    real_save = FileSystemStorage._save
    calls = []

    def failing_on_the_second_photo(self, name, content):
        calls.append(name)
        if len(calls) == 3:  # photo 1 and its thumbnail are written, then photo 2 fails
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_on_the_second_photo)

    response = post_multipart(client, on_site_data(world, photos=[upload(jpeg((1, 2, 3))), upload()]))

    # A store that fails is the server's trouble, said plainly: 503 in the API's shape.
    assert response.status_code == 503 and response.json()["code"] == "storage_unavailable"
    assert len(calls) == 3
    assert_nothing_created()
    assert CaseEvent.objects.count() == 0
    assert media_files(media) == []


# --- reference data for the form and for apps ---------------------------------------------------

def test_categories_list_active_ones_with_codes_and_both_names(client, world):
    CategoryFactory(code="ngung-dung", is_active=False)
    CategoryFactory(code="doanh-nghiep", name_vi="Doanh nghiệp", name_en="Business", kinds=["business"])

    rows = client.get("/api/v1/categories/").json()
    by_kind = client.get("/api/v1/categories/?kind=on_site").json()

    assert {row["code"] for row in rows} == {"ha-tang", "doanh-nghiep"}
    infra = next(row for row in rows if row["code"] == "ha-tang")
    assert infra == {"code": "ha-tang", "name": "Hạ tầng đô thị", "name_vi": "Hạ tầng đô thị",
                     "name_en": "Urban infrastructure", "kinds": ["on_site", "procedure", "business"]}
    assert [row["code"] for row in by_kind] == ["ha-tang"]
    assert client.get("/api/v1/categories/?kind=complaint").status_code == 400


def test_categories_are_named_in_english_for_an_english_client(client, world):
    rows = client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert rows[0]["name"] == "Urban infrastructure"


def test_wards_list_active_ones(client, world):
    Ward.objects.create(code="9999", name="Xã cũ", division_type="xã", province_code=24, is_active=False)
    assert client.get("/api/v1/wards/").json() == [{"code": "9001", "name": "Phường Kinh Bắc"}]


def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/feedback/{code}/actions/{name}/" in response.content
    assert b"Idempotency-Key" in response.content


def test_the_html_form_validates_with_the_same_rules(world, media):
    from django.http import QueryDict
    from django.utils.datastructures import MultiValueDict

    from feedback.serializers import validate_submission

    post = QueryDict(mutable=True)
    post.update({"kind": "on_site", "category": "ha-tang", "title": "Ổ gà", "description": "Ổ gà lớn.",
                 "ward": "9001", "contact_phone": "+84 912 345 678", "anonymous": "on"})
    files = MultiValueDict({"photos": [upload(), upload()]})

    values = validate_submission(post, files)

    assert values["category"] == world.category and values["ward"] == world.ward
    assert values["contact_phone"] == "0912345678" and values["anonymous"] is True
    assert len(values["photos"]) == 2 and values["latitude"] is None
    post["title"] = ""
    with pytest.raises(ValidationFailed) as refused:
        validate_submission(post, files)
    assert refused.value.fields == {"title": ["Nhập tiêu đề."]}
