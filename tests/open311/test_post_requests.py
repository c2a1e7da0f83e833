"""POST requests: a client's key, the arguments mapped onto intake's one path, idempotency,
and refusals that leave nothing behind."""
import pytest

from core.models import Kind
from workflow.models import Submission, SubmissionPhoto
from tests.factories import CategoryFactory
from tests.feedback import DESKTOP_UA, jpeg, media_files, upload
from tests.open311 import (BASE, DEMO_KEY, children, errors, filed_id, json_body, post_request, request_arguments,
                           xml_root)
from workflow.models import Case, CaseEvent


def assert_nothing_created(media=None):
    assert not Submission.objects.exists() and not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not SubmissionPhoto.objects.exists()
    if media is not None:
        assert media_files(media) == []


# --- filing -----------------------------------------------------------------------------------------

def test_a_request_with_a_photo_opens_a_case_through_intake(client, world, app_client, media):
    response = post_request(client, request_arguments(world), "json")

    code = filed_id(response)
    body = json_body(response)
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id", "private_url"]
    assert body[0]["account_id"] is None
    assert body[0]["service_notice"].startswith("Bộ phận tiếp nhận xem xét")
    assert body[0]["private_url"].startswith(f"http://testserver/theo-doi/{code}/?key=")
    submission = Submission.objects.get(tracking_code=code)
    assert (submission.channel, submission.device_class, submission.kind) == ("open311", "mobile", "on_site")
    assert submission.category == world.category and submission.ward == world.ward
    assert submission.title == "Đèn đường hỏng trước số 12 Nguyễn Trãi"  # the description's first line
    assert (submission.contact_name, submission.contact_phone, submission.contact_email) == (
        "Nguyễn Thị Hoa", "0912345678", "hoa.nguyen@example.vn")
    assert submission.publish_consent and not submission.anonymous
    assert str(submission.latitude) == "21.186123" and submission.address == "12 Nguyễn Trãi"
    assert submission.photos.count() == 1 and len(media_files(media)) == 2  # photo and thumbnail


def test_the_client_is_named_in_the_case_log_and_shown_to_staff(client, world, app_client, media):
    code = filed_id(post_request(client, request_arguments(world)))
    event = CaseEvent.objects.get(case__submissions__tracking_code=code)
    assert (event.transition, event.actor_kind) == ("submit", "citizen")
    assert event.data == {"channel": "open311", "client": "Demo Open311"}

    client.force_login(world.receptionist)
    case_id = Submission.objects.get(tracking_code=code).case_id
    detail = client.get(f"/api/v1/cases/{case_id}/").json()
    assert detail["submissions"][0]["channel"] == "open311"
    assert detail["events"][0]["data"]["client"] == "Demo Open311"
    assert "qua Open311: Demo Open311" in client.get(f"/staff/cases/{case_id}/").content.decode()


def test_a_form_urlencoded_request_answers_in_xml(client, world, app_client, media):
    data = request_arguments(world, with_photo=False, **{"attribute[kind]": "procedure"})
    response = client.post(f"{BASE}/requests.xml", data, HTTP_USER_AGENT=DESKTOP_UA)  # urlencoded by the client
    root = xml_root(response, "service_requests")
    [request] = root
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id", "private_url"]
    assert request.findtext("account_id") is None or request.findtext("account_id") == ""
    submission = Submission.objects.get(tracking_code=request.findtext("service_request_id"))
    assert (submission.kind, submission.device_class) == ("procedure", "desktop")


def test_a_single_kind_service_needs_no_kind_attribute(client, world, app_client, media):
    CategoryFactory(code="chieu-sang", kinds=["on_site"])
    data = request_arguments(world, service_code="chieu-sang", **{"attribute[kind]": None})
    code = filed_id(post_request(client, data))
    assert Submission.objects.get(tracking_code=code).kind == "on_site"


def test_a_photo_link_stands_in_for_a_photo_and_is_kept_unfetched(client, world, app_client, media):
    data = request_arguments(world, with_photo=False, media_url="https://cdn.example.vn/anh/den-hong.jpg")
    code = filed_id(post_request(client, data))
    submission = Submission.objects.get(tracking_code=code)
    assert submission.media_url == "https://cdn.example.vn/anh/den-hong.jpg"
    assert not submission.photos.exists() and media_files(media) == []


def test_an_anonymous_request_keeps_no_contact(client, world, app_client, media):
    code = filed_id(post_request(client, request_arguments(world, **{"attribute[anonymous]": "true"})))
    submission = Submission.objects.get(tracking_code=code)
    assert submission.anonymous
    assert (submission.contact_name, submission.contact_phone, submission.contact_email) == ("", "", "")


@pytest.mark.parametrize("location", [
    {"address_string": None, "address_id": None},  # coordinates only
    {"lat": None, "long": None, "address_id": None},  # an address only
    {"lat": None, "long": None, "address_string": None},  # a ward only
])
def test_any_one_location_is_enough(client, world, app_client, media, location):
    assert post_request(client, request_arguments(world, **location)).status_code == 200


# --- idempotency ----------------------------------------------------------------------------------

def test_a_resend_with_the_same_idempotency_key_gets_the_first_answer(client, world, app_client, media):
    first = post_request(client, request_arguments(world), "json", HTTP_IDEMPOTENCY_KEY="app-7f3a-0001")
    again = post_request(client, request_arguments(world), "xml", HTTP_IDEMPOTENCY_KEY="app-7f3a-0001")

    code = filed_id(first)
    assert filed_id(again, "xml") == code
    assert xml_root(again, "service_requests").find("request").findtext("private_url") == \
        json_body(first)[0]["private_url"]
    assert Submission.objects.count() == 1 and Case.objects.count() == 1 and SubmissionPhoto.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_the_same_key_with_other_content_is_refused_and_changes_nothing(client, world, app_client, media):
    filed_id(post_request(client, request_arguments(world), HTTP_IDEMPOTENCY_KEY="app-7f3a-0002"))
    other = request_arguments(world, description="Một việc khác hẳn")
    [(code, description)] = errors(post_request(client, other, HTTP_IDEMPOTENCY_KEY="app-7f3a-0002"), "json", 409)
    assert "Idempotency-Key" in description
    assert Submission.objects.count() == 1 and SubmissionPhoto.objects.count() == 1


def test_a_malformed_idempotency_key_is_400(client, world, app_client, media):
    [(code, description)] = errors(post_request(client, request_arguments(world), HTTP_IDEMPOTENCY_KEY="x"),
                                   "json", 400)
    assert description.startswith("Idempotency-Key: ")
    assert_nothing_created(media)


# --- refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_a_missing_or_unknown_key_is_403(client, world, app_client, media, key):
    data = request_arguments(world, key=key)
    for fmt in ("json", "xml"):
        errors(post_request(client, data, fmt), fmt, 403)
    assert_nothing_created(media)


def test_a_revoked_key_is_403_and_files_nothing(client, world, app_client, media):
    from open311.services import client_revoke

    client_revoke(client=app_client)
    [(code, description)] = errors(post_request(client, request_arguments(world), "xml"), "xml", 403)
    assert "api_key" in description
    assert_nothing_created(media)


def test_a_missing_service_code_is_400_and_an_unknown_one_404(client, world, app_client, media):
    errors(post_request(client, request_arguments(world, service_code=None)), "json", 400)
    errors(post_request(client, request_arguments(world, service_code="khong-co")), "json", 404)
    assert_nothing_created(media)


ARGUMENT_ERRORS = [
    ({"description": None}, "description"),
    ({"description": "x" * 4001}, "description"),
    ({"lat": "bắc"}, "lat"),
    ({"long": None, "address_string": None, "address_id": None}, "long"),
    ({"lat": None, "long": None, "address_string": None, "address_id": None}, "lat"),
    ({"address_id": "0000"}, "address_id"),
    ({"email": "khong-phai-email"}, "email"),
    ({"phone": "123"}, "phone"),
    ({"attribute[kind]": None}, "attribute[kind]"),
    ({"attribute[kind]": "complaint"}, "attribute[kind]"),
    ({"attribute[publish_consent]": "yes"}, "attribute[publish_consent]"),
    ({"media": None}, "media"),
    ({"media": None, "media_url": "ftp://example.vn/a.jpg"}, "media_url"),
    ({"media": [upload(b"not an image", name="a.jpg")]}, "media"),
]


@pytest.mark.parametrize(("overrides", "argument"), ARGUMENT_ERRORS)
def test_each_bad_argument_is_a_400_naming_it(client, world, app_client, media, overrides, argument):
    response = post_request(client, request_arguments(world, **overrides), "xml")
    descriptions = [description for _code, description in errors(response, "xml", 400)]
    assert any(description.startswith(f"{argument}: ") for description in descriptions), descriptions
    assert_nothing_created(media)


def test_several_bad_arguments_give_one_error_each(client, world, app_client, media):
    data = request_arguments(world, email="sai", phone="12", lat="x")
    descriptions = [d for _c, d in errors(post_request(client, data), "json", 400)]
    assert {d.split(":")[0] for d in descriptions} == {"email", "phone", "lat"}


def test_contact_data_never_appears_in_an_error(client, world, app_client, media):
    response = post_request(client, request_arguments(world, email="hoa.nguyen@", phone="0355-01"), "json")
    text = response.content.decode()
    assert response.status_code == 400 and "hoa.nguyen" not in text and "0355" not in text


def test_a_request_over_the_photo_count_is_refused(client, world, app_client, media, settings):
    photos = [upload(jpeg(colour=(i * 40, 0, 0)), name=f"{i}.jpg") for i in range(settings.PAKN_PHOTO_MAX_COUNT + 1)]
    errors(post_request(client, request_arguments(world, media=photos)), "json", 400)
    assert_nothing_created(media)
