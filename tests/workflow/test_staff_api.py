"""The staff API as officials' apps use it: sign in, who am I, agencies, the case list, one case, transitions."""
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD, AgencyFactory, CategoryFactory
from tests.workflow.builders import act, case_in, new_case, reload  # noqa: F401
from workflow import selectors, services
from workflow.models import CaseEvent, RoutingRule, State

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ERROR_SHAPE = {"message", "code", "fields"}


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def transition_url(case, name):
    return f"/api/v1/cases/{case.pk}/transitions/{name}/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # login throttling counts in the cache; each test starts from zero
    yield
    cache.clear()


# --- signing in -------------------------------------------------------------------------------------

def test_token_is_issued_for_the_right_password_and_opens_the_api(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "xuly", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").json()["username"] == "xuly"


def test_wrong_password_gets_400_in_the_error_shape(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "xuly", "password": "sai"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == ERROR_SHAPE
    assert response.json()["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_missing_password_names_the_field(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "xuly"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]


def test_repeated_sign_in_attempts_are_throttled(world, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/minute"})
    client = APIClient()
    codes = [client.post("/api/v1/auth/token/", {"username": "xuly", "password": "sai"}, format="json").status_code
             for _ in range(4)]
    assert codes == [400, 400, 400, 429]


# --- who am I ---------------------------------------------------------------------------------------

def test_me_describes_the_reception_officer(world):
    world.receptionist.first_name, world.receptionist.last_name = "Lan", "Nguyễn Thị"
    world.receptionist.save()
    body = client_for(world.receptionist).get("/api/v1/me/").json()
    assert body["username"] == "tiepnhan"
    assert body["full_name"] == "Lan Nguyễn Thị"
    assert body["roles"] == ["reception"]
    assert body["agency"]["code"] == "ttpvhcc"
    assert body["agencies"] == [{"code": "ttpvhcc", "name": "Trung tâm Phục vụ hành chính công", "role": "reception"}]
    assert body["is_reception"] is True
    assert body["is_supervisor"] is False


def test_me_for_a_supervisor_says_so(world):
    body = client_for(world.supervisor).get("/api/v1/me/").json()
    assert (body["roles"], body["is_supervisor"], body["is_reception"]) == (["supervisor"], True, False)


def test_me_for_a_user_without_a_role_has_no_agency(world):
    body = client_for(world.nobody).get("/api/v1/me/").json()
    assert (body["roles"], body["agency"], body["agencies"]) == ([], None, [])


def test_me_requires_signing_in(world):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == ERROR_SHAPE


# --- agencies -----------------------------------------------------------------------------------------

def test_agencies_are_a_public_list_of_active_agencies_by_code(world):
    AgencyFactory(code="so-cu", name_vi="Sở đã giải thể", is_active=False)
    body = APIClient().get("/api/v1/agencies/").json()
    by_code = {a["code"]: a for a in body}
    assert "so-cu" not in by_code
    assert by_code["so-xd"] == {"code": "so-xd", "name": "Sở Xây dựng", "name_vi": "Sở Xây dựng", "name_en": "",
                                "kind": "department", "parent": "ubnd-tinh", "requires_approval": False}
    assert by_code["ubnd-tinh"]["parent"] is None


# --- the case list ---------------------------------------------------------------------------------

@pytest.fixture
def three_cases(world):
    """One waiting at reception, one at the department, one at the other department."""
    at_reception = new_case(world, tracking_code="BN-2603-0001", description="Rác thải ở kênh Ngũ Huyện Khê")
    at_department = case_in(world, State.ASSIGNED, tracking_code="BN-2603-0002")
    at_other = case_in(world, State.ASSIGNED, agency=world.other, tracking_code="BN-2603-0003")
    return at_reception, at_department, at_other


def listed(user, **params):
    response = client_for(user).get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(items):
    return sorted(item["id"] for item in items)


def test_reception_sees_every_case(world, three_cases):
    assert ids(listed(world.receptionist)) == sorted(c.pk for c in three_cases)


def test_officer_sees_only_their_agencys_cases(world, three_cases):
    assert ids(listed(world.officer)) == [three_cases[1].pk]


def test_outsider_sees_only_their_own_agencys_cases(world, three_cases):
    assert ids(listed(world.outsider)) == [three_cases[2].pk]


def test_province_supervisor_sees_every_case_including_those_at_reception(world, three_cases):
    assert ids(listed(world.province_supervisor)) == sorted(c.pk for c in three_cases)


def test_list_item_shows_what_the_inbox_needs(world, three_cases):
    item = next(i for i in listed(world.officer))
    assert item["tracking_codes"] == ["BN-2603-0002"]
    assert item["category"] == {"code": "ha-tang", "name": "Hạ tầng đô thị"}
    assert item["ward"] == {"code": "9001", "name": "Phường Kinh Bắc"}
    assert item["agency"] == {"code": "so-xd", "name": "Sở Xây dựng"}
    assert (item["state"], item["state_label"]) == ("assigned", "Đã chuyển xử lý")
    assert item["kind"] == "on_site" and item["priority"] == "normal"
    assert isinstance(item["time_left_hours"], float) and 0 < item["time_left_hours"] <= 7.5
    assert item["overdue"] is False
    assert set(item["available_transitions"]) == {"accept", "return"}
    assert item["device_class"] == "mobile"
    assert "contact_phone" not in item and "submissions" not in item


def test_reception_is_offered_the_reception_transitions(world, three_cases):
    item = next(i for i in listed(world.receptionist) if i["id"] == three_cases[0].pk)
    assert set(item["available_transitions"]) == {"route", "request_info", "reject", "merge", "withdraw"}


def test_list_is_ordered_by_the_nearest_deadline(world, three_cases):
    services.case_request_info(case=three_cases[0], actor=act(world.receptionist), message="Cần ảnh")
    items = listed(world.receptionist)
    due = [i["due_at"] for i in items]
    assert due[-1] is None  # the paused case has no clock and comes last
    assert due[:-1] == sorted(due[:-1])


@pytest.mark.parametrize(("params", "expected"), [
    ({"state": "submitted"}, [0]),
    ({"agency": "so-yt"}, [2]),
    ({"category": "ha-tang"}, [0, 1, 2]),
    ({"category": "moi-truong"}, []),
    ({"q": "bn-2603-0002"}, [1]),
    ({"q": "ngũ huyện khê"}, [0]),
    ({"q": "kênh Ngũ"}, [0]),
    ({"overdue": "false"}, [0, 1, 2]),
    ({"overdue": "true"}, []),
    ({"queue": "reception"}, [0]),
])
def test_list_filters(world, three_cases, params, expected):
    assert ids(listed(world.receptionist, **params)) == sorted(three_cases[i].pk for i in expected)


def test_agency_queue_lists_the_officers_work(world, three_cases):
    assert ids(listed(world.officer, queue="agency")) == [three_cases[1].pk]
    assert ids(listed(world.receptionist, queue="agency")) == []


def test_approval_queue_lists_answers_waiting_for_the_supervisor(world):
    waiting = case_in(world, State.PENDING_APPROVAL)
    assert ids(listed(world.supervisor, queue="approvals")) == [waiting.pk]
    assert ids(listed(world.officer, queue="approvals")) == []


def test_bad_filter_values_are_400_with_the_field_named(world):
    response = client_for(world.receptionist).get("/api/v1/cases/", {"state": "lost", "queue": "mine"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"state", "queue"}


def test_list_is_paginated(world, settings):
    for _ in range(3):
        new_case(world)
    body = client_for(world.receptionist).get("/api/v1/cases/").json()
    assert body["count"] == 3 and len(body["results"]) == 3 and body["next"] is None


# --- one case -----------------------------------------------------------------------------------------

def test_case_detail_shows_submissions_with_contact_to_the_handling_officer(world):
    case = case_in(world, State.ASSIGNED, tracking_code="BN-2603-0010", contact_name="Trần Văn An",
                   contact_phone="0912345678", address="12 Lý Thái Tổ")
    body = client_for(world.officer).get(f"/api/v1/cases/{case.pk}/").json()
    submission = body["submissions"][0]
    assert submission["tracking_code"] == "BN-2603-0010"
    assert (submission["contact_name"], submission["contact_phone"]) == ("Trần Văn An", "0912345678")
    assert submission["address"] == "12 Lý Thái Tổ"
    assert submission["photos"] == []
    assert [e["transition"] for e in body["events"]] == ["submit", "route"]
    route = body["events"][1]
    assert (route["actor"], route["actor_kind"], route["agency"], route["to_state"]) == \
        ("tiepnhan", "staff", "so-xd", "assigned")
    assert body["handling_due_at"] and body["extension"] is None and body["rating"] is None


def test_case_detail_suggests_the_agency_from_the_routing_rules(world):
    RoutingRule.objects.create(category=world.category, agency=world.other, priority=5)
    RoutingRule.objects.create(category=world.category, ward=world.ward, agency=world.department, priority=0)
    case = new_case(world)
    body = client_for(world.receptionist).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["suggested_agency"] == {"code": "so-xd", "name": "Sở Xây dựng"}


def test_case_detail_is_404_for_an_officer_of_another_agency(world):
    case = case_in(world, State.ASSIGNED)
    response = client_for(world.outsider).get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 404
    assert "Trần" not in response.content.decode()
    assert set(response.json()) == ERROR_SHAPE


def test_case_detail_of_a_missing_case_is_404(world):
    assert client_for(world.receptionist).get("/api/v1/cases/999999/").status_code == 404


# --- routing suggestions ------------------------------------------------------------------------------

def test_routing_rule_naming_category_and_ward_beats_category_only_beats_ward_only(world):
    fire = AgencyFactory(code="pccc")
    case = new_case(world)
    RoutingRule.objects.create(ward=world.ward, agency=fire, priority=100)
    assert selectors.suggest_agency(case) == fire
    RoutingRule.objects.create(category=world.category, agency=world.other, priority=1)
    assert selectors.suggest_agency(case) == world.other
    RoutingRule.objects.create(category=world.category, ward=world.ward, agency=world.department, priority=0)
    assert selectors.suggest_agency(case) == world.department


def test_routing_rules_of_another_category_or_inactive_are_ignored(world):
    case = new_case(world)
    RoutingRule.objects.create(category=CategoryFactory(code="y-te"), agency=world.other, priority=9)
    RoutingRule.objects.create(category=world.category, agency=world.department, priority=9, is_active=False)
    assert selectors.suggest_agency(case) is None
    RoutingRule.objects.create(category=world.category, agency=world.department, priority=1)
    RoutingRule.objects.create(category=world.category, agency=world.other, priority=2)
    assert selectors.suggest_agency(case) == world.other


# --- transitions -------------------------------------------------------------------------------------

def test_reception_routes_a_case_and_gets_the_case_back(world):
    case = new_case(world)
    response = client_for(world.receptionist).post(transition_url(case, "route"), {"agency": "so-xd"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "assigned"
    assert response.json()["agency"]["code"] == "so-xd"


def test_action_records_the_device_class_of_the_request(world):
    case = case_in(world, State.ASSIGNED)
    client = client_for(world.officer)
    assert client.post(transition_url(case, "accept"), HTTP_USER_AGENT=IPHONE).status_code == 200
    assert CaseEvent.objects.filter(case=case).last().device_class == "mobile"


def test_officer_trying_to_transfer_is_403(world):
    case = case_in(world, State.IN_PROGRESS)
    response = client_for(world.officer).post(transition_url(case, "transfer"),
                                              {"agency": "so-yt", "reason": "Không thuộc sở"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert reload(case).state == State.IN_PROGRESS


def test_outsider_acting_on_another_agencys_case_is_404(world):
    case = case_in(world, State.ASSIGNED)
    assert client_for(world.outsider).post(transition_url(case, "accept")).status_code == 404
    assert reload(case).state == State.ASSIGNED


def test_unknown_transition_name_is_404(world):
    case = new_case(world)
    assert client_for(world.receptionist).post(transition_url(case, "publish")).status_code == 404


def test_accepting_twice_is_a_409(world):
    case = case_in(world, State.ASSIGNED)
    client = client_for(world.officer)
    assert client.post(transition_url(case, "accept")).status_code == 200
    response = client.post(transition_url(case, "accept"))
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert CaseEvent.objects.filter(case=case, transition="accept").count() == 1


def test_return_without_a_reason_is_400_naming_the_field(world):
    case = case_in(world, State.ASSIGNED)
    response = client_for(world.officer).post(transition_url(case, "return"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"reason"}
    assert reload(case).state == State.ASSIGNED


@pytest.mark.parametrize("name, field, state, limit", [
    ("request_info", "message", State.IN_PROGRESS, 4000),
    ("return", "reason", State.ASSIGNED, 4000),
    ("answer", "answer", State.IN_PROGRESS, 10_000),
])
def test_a_text_over_its_limit_is_400_naming_the_field_and_changes_nothing(world, name, field, state, limit):
    """A pasted page of text cannot become a message the citizen's phone must render: the step's
    declared limit (an answer's longer than a message's) holds whoever sends it."""
    case = case_in(world, state)
    client = client_for(world.officer)
    response = client.post(transition_url(case, name), {field: "x" * (limit + 1)}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {field}
    assert f"Tối đa {limit} ký tự" in response.json()["fields"][field][0]
    assert reload(case).state == state and not CaseEvent.objects.filter(case=case, transition=name).exists()
    assert client.post(transition_url(case, name), {field: "x" * limit}, format="json").status_code == 200


def test_returning_officer_gets_the_case_back_even_though_it_leaves_their_agency(world):
    case = case_in(world, State.ASSIGNED)
    response = client_for(world.officer).post(transition_url(case, "return"), {"reason": "Không thuộc sở"},
                                              format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["available_transitions"]) == ("submitted", [])
    assert client_for(world.officer).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_merge_through_the_api_lists_both_tracking_codes_on_the_survivor(world):
    duplicate = new_case(world, tracking_code="BN-2603-0020")
    survivor = new_case(world, tracking_code="BN-2603-0021")
    client = client_for(world.receptionist)
    response = client.post(transition_url(duplicate, "merge"), {"into": survivor.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["merged_into"]) == ("merged", survivor.pk)
    survivor_item = next(i for i in listed(world.receptionist) if i["id"] == survivor.pk)
    assert sorted(survivor_item["tracking_codes"]) == ["BN-2603-0020", "BN-2603-0021"]
    assert ids(listed(world.receptionist, q="BN-2603-0020")) == [survivor.pk]


def jpeg(name="ket-qua.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_answer_with_result_photos_in_multipart(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = case_in(world, State.IN_PROGRESS)
    response = client_for(world.officer).post(transition_url(case, "answer"),
                                              {"answer": "Đã thay bóng đèn.", "photos": [jpeg(), jpeg("b.jpg")]},
                                              format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["answer"]) == ("answered", "Đã thay bóng đèn.")
    assert len(body["result_photos"]) == 2
    assert body["result_photos"][0]["url"].startswith("http://testserver/media/results/")


def test_answer_with_a_file_that_is_not_a_photo_is_refused_and_nothing_changes(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = case_in(world, State.IN_PROGRESS)
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client_for(world.officer).post(transition_url(case, "answer"),
                                              {"answer": "Đã xử lý.", "photos": [fake]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["fields"]
    assert reload(case).state == State.IN_PROGRESS
    assert not any(tmp_path.rglob("*.jpg"))


def test_answer_photos_are_refused_in_the_same_words_as_a_citizens(world, settings, tmp_path):
    """One photo-count check and one pipeline wrapper (core.images) for submissions and answers."""
    settings.MEDIA_ROOT = tmp_path
    case = case_in(world, State.IN_PROGRESS)
    too_many = [jpeg(f"{n}.jpg") for n in range(settings.PAKN_PHOTO_MAX_COUNT + 1)]
    response = client_for(world.officer).post(transition_url(case, "answer"),
                                              {"answer": "Đã xử lý.", "photos": too_many}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["photos"] == [f"Gửi tối đa {settings.PAKN_PHOTO_MAX_COUNT} ảnh."]
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client_for(world.officer).post(transition_url(case, "answer"),
                                              {"answer": "Đã xử lý.", "photos": [jpeg(), fake]}, format="multipart")
    assert response.json()["fields"]["photos"][0].startswith("Ảnh 2: Định dạng ảnh không được hỗ trợ.")
    assert reload(case).state == State.IN_PROGRESS
    assert not any(tmp_path.rglob("*.jpg"))


def test_supervisor_approves_through_the_api(world):
    case = case_in(world, State.PENDING_APPROVAL)
    item = next(i for i in listed(world.supervisor) if i["id"] == case.pk)
    assert {"approve", "send_back"} <= set(item["available_transitions"])
    response = client_for(world.supervisor).post(transition_url(case, "approve"))
    assert response.json()["state"] == "answered"


def test_transitions_require_signing_in(world):
    case = new_case(world)
    response = APIClient().post(transition_url(case, "route"), {"agency": "so-xd"}, format="json")
    assert response.status_code == 401
    assert reload(case).state == State.SUBMITTED


def test_public_view_of_a_merged_code_follows_the_survivor(world):
    duplicate = new_case(world, tracking_code="BN-2603-0030")
    survivor = new_case(world, tracking_code="BN-2603-0031")
    client = client_for(world.receptionist)
    assert client.post(transition_url(duplicate, "merge"), {"into": "BN-2603-0031"}, format="json").status_code == 200
    assert client.post(transition_url(survivor, "route"), {"agency": "so-xd"}, format="json").status_code == 200

    public = APIClient().get("/api/v1/feedback/BN-2603-0030/")
    assert public.status_code == 200
    assert public.json()["status"] == "assigned"


def test_openapi_schema_describes_the_staff_api(world):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/cases/", "/api/v1/cases/{case_id}/", "/api/v1/cases/{case_id}/transitions/{name}/",
                 "/api/v1/me/", "/api/v1/agencies/", "/api/v1/auth/token/"):
        assert path in paths
    list_params = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"state", "agency", "category", "overdue", "q", "queue", "page"} <= list_params
