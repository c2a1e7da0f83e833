"""POST /api/v1/feedback/{code}/actions/{name}/: the submitter acts on their own case with the private key.

The key is the only proof: a wrong or missing key is a 404 like an unknown code, so a tracking
code read off a paper slip opens nothing.
"""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from workflow.models import Submission
from tests.feedback import DESKTOP_UA, PHONE_UA, jpeg, post_json, procedure_json, upload
from workflow.actors import staff_actor
from workflow.models import CaseEvent
from workflow.services import case_accept, case_answer, case_merge, case_request_info, case_route


@pytest.fixture
def submitted(client, world, media):
    """A submission made through the API: (tracking code, private key)."""
    body = post_json(client, procedure_json(world)).json()
    return body["tracking_code"], parse_qs(urlsplit(body["private_url"]).query)["key"][0]


def act(client, code, name, data, **extra):
    extra.setdefault("HTTP_USER_AGENT", PHONE_UA)
    return client.post(f"/api/v1/feedback/{code}/actions/{name}/", data, **extra)


def case_of(code):
    return Submission.objects.select_related("case").get(tracking_code=code).case


def ask_for_info(world, code, message="Cho biết số hồ sơ đã nộp."):
    case_request_info(case=case_of(code), actor=staff_actor(world.receptionist), message=message)


def answer(world, code, text="Hồ sơ đã được giải quyết, mời ông/bà nhận kết quả."):
    case = case_of(code)
    if case.state == "submitted":
        case = case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department)
    if case.state == "assigned":
        case = case_accept(case=case, actor=staff_actor(world.officer))
    return case_answer(case=case, actor=staff_actor(world.officer), answer=text)


# --- the key ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["", "sai-khoa", None])
def test_a_wrong_or_missing_key_is_not_found(client, world, submitted, key):
    code, _key = submitted
    data = {"message": "Tôi muốn rút."} if key is None else {"key": key}
    response = act(client, code, "withdraw", data)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert case_of(code).state == "submitted"


def test_an_unknown_code_or_action_is_not_found(client, world, submitted):
    code, key = submitted
    assert act(client, "BN-0000-0000", "withdraw", {"key": key}).status_code == 404
    assert act(client, code, "reopen", {"key": key}).status_code == 404
    assert act(client, code, "route", {"key": key}).status_code == 404


def test_the_key_may_come_in_the_query_string(client, world, submitted):
    code, key = submitted
    response = client.post(f"/api/v1/feedback/{code.lower()}/actions/withdraw/?key={key}", {},
                           HTTP_USER_AGENT=PHONE_UA)
    assert response.status_code == 200
    assert response.json() == {"tracking_code": code, "status": "withdrawn"}


def test_one_submissions_key_does_not_open_another(client, world, submitted):
    code, key = submitted
    other = post_json(client, procedure_json(world)).json()["tracking_code"]
    assert act(client, other, "withdraw", {"key": key}).status_code == 404
    assert case_of(other).state == "submitted"


# --- provide_info -----------------------------------------------------------------------------------

def test_providing_information_resumes_the_case(client, world, submitted):
    code, key = submitted
    ask_for_info(world, code)

    response = act(client, code, "provide_info", {"key": key, "message": "Số hồ sơ: 000.00.24.H06-250101-0001"})

    assert response.status_code == 200
    assert response.json() == {"tracking_code": code, "status": "submitted"}
    event = CaseEvent.objects.filter(case=case_of(code)).latest("created_at", "pk")
    assert (event.transition, event.actor_kind, event.device_class) == ("provide_info", "citizen", "mobile")
    assert event.message == "Số hồ sơ: 000.00.24.H06-250101-0001"


def test_extra_photos_sent_with_the_information_are_added_to_the_submission(client, world, submitted, media):
    code, key = submitted
    ask_for_info(world, code)

    response = act(client, code, "provide_info", {"key": key, "message": "Ảnh toàn cảnh.",
                                                  "photos": [upload(), upload(jpeg((0, 0, 255)))]})

    assert response.status_code == 200
    feedback = Submission.objects.get(tracking_code=code)
    assert list(feedback.photos.values_list("position", flat=True)) == [1, 2]


def test_a_bad_photo_with_the_information_changes_nothing(client, world, submitted, media):
    code, key = submitted
    ask_for_info(world, code)

    response = act(client, code, "provide_info", {"key": key, "message": "Ảnh.",
                                                  "photos": [upload(b"GIF89a not allowed")]})

    assert response.status_code == 400
    assert response.json()["fields"]["photos"][0].startswith("Ảnh 1:")
    assert case_of(code).state == "needs_info"
    assert not Submission.objects.get(tracking_code=code).photos.exists()


def test_information_needs_a_message(client, world, submitted):
    code, key = submitted
    ask_for_info(world, code)
    response = act(client, code, "provide_info", {"key": key, "message": "   "})
    assert response.status_code == 400
    assert response.json()["fields"] == {"message": ["Nhập thông tin bổ sung."]}


def test_information_cannot_be_provided_when_nobody_asked(client, world, submitted):
    code, key = submitted
    response = act(client, code, "provide_info", {"key": key, "message": "Thêm thông tin."})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_a_staff_session_does_not_stand_in_for_the_key(client, world, submitted):
    code, _key = submitted
    ask_for_info(world, code)
    client.force_login(world.receptionist)
    assert act(client, code, "provide_info", {"message": "Thêm."}).status_code == 404


# --- withdraw -----------------------------------------------------------------------------------------

def test_the_submitter_can_withdraw_before_an_answer(client, world, submitted):
    code, key = submitted
    response = act(client, code, "withdraw", {"key": key, "message": "Đã tự giải quyết được."},
                   HTTP_USER_AGENT=DESKTOP_UA)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    event = CaseEvent.objects.filter(case=case_of(code)).latest("created_at", "pk")
    assert (event.transition, event.device_class) == ("withdraw", "desktop")


def test_an_answered_case_cannot_be_withdrawn(client, world, submitted):
    code, key = submitted
    answer(world, code)
    assert act(client, code, "withdraw", {"key": key}).status_code == 409
    assert case_of(code).state == "answered"


def test_a_case_shared_with_other_submitters_cannot_be_withdrawn_by_one(client, world, submitted):
    code, key = submitted
    other = post_json(client, procedure_json(world)).json()["tracking_code"]
    case_merge(case=case_of(code), actor=staff_actor(world.receptionist), into=case_of(other))

    response = act(client, code, "withdraw", {"key": key})

    assert response.status_code == 409
    assert case_of(other).state == "submitted"


# --- rate -----------------------------------------------------------------------------------------------

def test_a_satisfied_rating_closes_the_case(client, world, submitted):
    code, key = submitted
    answer(world, code)
    response = act(client, code, "rate", {"key": key, "rating": "satisfied", "comment": "Cảm ơn."})
    assert response.json() == {"tracking_code": code, "status": "closed"}
    case = case_of(code)
    assert (case.rating, case.rating_comment) == ("satisfied", "Cảm ơn.")


def test_dissatisfied_reopens_once_and_the_next_rating_closes(client, world, submitted):
    code, key = submitted
    answer(world, code)

    first = act(client, code, "rate", {"key": key, "rating": "dissatisfied", "comment": "Chưa giải quyết."})
    assert first.json()["status"] == "in_progress"
    assert case_of(code).reopened_at is not None

    answer(world, code, text="Đã xử lý lại.")
    second = act(client, code, "rate", {"key": key, "rating": "dissatisfied"})
    assert second.json()["status"] == "closed"
    assert case_of(code).rating == "dissatisfied"


def test_dissatisfied_after_the_rating_window_closes_instead_of_reopening(client, world, submitted, settings):
    code, key = submitted
    answer(world, code)
    later = timezone.now() + timedelta(days=settings.PAKN_RATING_WINDOW_DAYS + 1)
    with time_machine.travel(later, tick=False):
        response = act(client, code, "rate", {"key": key, "rating": "dissatisfied"})
    assert response.json()["status"] == "closed"


def test_rating_needs_a_known_value(client, world, submitted):
    code, key = submitted
    answer(world, code)
    response = act(client, code, "rate", {"key": key, "rating": "tuyệt vời"})
    assert response.status_code == 400 and "rating" in response.json()["fields"]
    assert case_of(code).state == "answered"


def test_a_case_without_an_answer_cannot_be_rated(client, world, submitted):
    code, key = submitted
    response = act(client, code, "rate", {"key": key, "rating": "satisfied"})
    assert response.status_code == 409


def test_actions_accept_json_and_a_declared_device(client, world, submitted):
    code, key = submitted
    answer(world, code)
    response = post_json(client, {"key": key, "rating": "acceptable", "device": "tablet"},
                         url=f"/api/v1/feedback/{code}/actions/rate/")
    assert response.status_code == 200
    event = CaseEvent.objects.filter(case=case_of(code)).latest("created_at", "pk")
    assert event.device_class == "tablet"


def test_a_body_that_is_not_an_object_is_refused(client, world, submitted):
    code, key = submitted
    response = post_json(client, [key], url=f"/api/v1/feedback/{code}/actions/withdraw/")
    assert response.status_code == 400
    assert case_of(code).state == "submitted"


def test_a_key_that_is_not_text_opens_nothing(client, world, submitted):
    code, _key = submitted
    response = post_json(client, {"key": 12345678}, url=f"/api/v1/feedback/{code}/actions/withdraw/")
    assert response.status_code == 404
