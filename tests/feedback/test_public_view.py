"""GET /api/v1/feedback/{code}/ and the selectors behind the public and the submitter's pages.

The public view never carries personal data: no name, phone or email, no staff usernames, no exact
position or address of an anonymous submitter, and text and photos only with consent.
"""
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from workflow.models import SubmissionPhoto
from feedback.selectors import submission_by_code, private_case, public_case, recent_public_cases
from feedback.services import feedback_submit
from tests.factories import make_submission
from tests.feedback import CONTACT, jpeg
from workflow.actors import citizen_actor, staff_actor
from workflow.models import CasePhoto
from workflow.services import (
    case_accept, case_answer, case_merge, case_provide_info, case_reject, case_request_info, case_route,
)

EXACT = {"latitude": "21.186123", "longitude": "106.076456"}


def submit(world, **overrides):
    """A submission made through intake itself, with a photo and the citizen's contact details."""
    fields = {
        "kind": "on_site", "category": world.category, "title": "Rác thải đổ xuống kênh",
        "description": "Rác thải đổ thành đống bên kênh Ngũ Huyện Khê, bốc mùi.", "latitude": None,
        "longitude": None, "address": "Ngõ 5 đường Kinh Dương Vương", "ward": world.ward,
        "anonymous": False, "publish_consent": True, **CONTACT,
    }
    fields.update(overrides)
    for name in ("latitude", "longitude"):
        fields[name] = Decimal(EXACT[name]) if fields[name] is None else fields[name]
    return feedback_submit(fields=fields, photos=[jpeg()], channel="web", device_class="mobile")


def public_json(client, code):
    response = client.get(f"/api/v1/feedback/{code}/")
    assert response.status_code == 200
    return response.json(), response.content.decode()


def assert_no_personal_data(text, world):
    for value in CONTACT.values():
        assert value not in text
    for user in (world.receptionist, world.officer, world.supervisor):
        assert f'"{user.username}"' not in text and user.username + " " not in text


@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("consent", [False, True])
def test_public_view_never_shows_contact_details(client, world, media, anonymous, consent):
    result = submit(world, anonymous=anonymous, publish_consent=consent)
    body, text = public_json(client, result.submission.tracking_code)
    assert_no_personal_data(text, world)
    assert "contact" not in body


def test_consented_submission_shows_its_text_place_and_photos(client, world, media):
    code = submit(world).submission.tracking_code
    body, _text = public_json(client, code)

    assert body["tracking_code"] == code
    assert body["status"] == "submitted" and body["status_label"] == "Chờ tiếp nhận"
    assert body["kind"] == "on_site" and body["category"] == {"code": "ha-tang", "name": "Hạ tầng đô thị"}
    assert body["title"] == "Rác thải đổ xuống kênh" and body["description"].startswith("Rác thải")
    assert body["location"] == {"latitude": 21.186123, "longitude": 106.076456}
    assert body["address"] == "Ngõ 5 đường Kinh Dương Vương"
    assert body["ward"] == {"code": "9001", "name": "Phường Kinh Bắc"}
    assert len(body["photos"]) == 1 and body["photos"][0]["url"].startswith("http://testserver/media/photos/")
    assert body["submitted_at"].endswith("+07:00")
    assert body["due_at"] is not None


def test_anonymous_submitters_position_is_rounded_and_address_hidden(client, world, media):
    code = submit(world, anonymous=True).submission.tracking_code
    body, text = public_json(client, code)

    assert body["location"] == {"latitude": 21.186, "longitude": 106.076}
    assert body["address"] is None
    assert "Kinh Dương Vương" not in text and "21.186123" not in text


def test_without_consent_the_text_position_and_photos_stay_private(client, world, media):
    code = submit(world, publish_consent=False).submission.tracking_code
    body, text = public_json(client, code)

    assert (body["title"], body["description"], body["location"], body["address"]) == (None, None, None, None)
    assert body["photos"] == []
    assert "Rác thải" not in text and "/media/" not in text
    assert body["category"]["code"] == "ha-tang" and body["status"] == "submitted"


def test_an_unknown_code_is_404_and_any_letter_case_finds_the_case(client, world, media):
    code = submit(world).submission.tracking_code

    assert client.get("/api/v1/feedback/BN-0000-0000/").status_code == 404
    assert client.get("/api/v1/feedback/BN-0000-0000/").json()["code"] == "not_found"
    assert client.get(f"/api/v1/feedback/{code.lower()}/").json()["tracking_code"] == code


def test_timeline_shows_public_steps_with_agency_and_messages_for_the_citizen(client, world, media):
    feedback = submit(world).submission
    reception = staff_actor(world.receptionist)
    case = case_route(case=feedback.case, actor=reception, agency=world.department)
    case = case_accept(case=case, actor=staff_actor(world.officer))
    case_request_info(case=case, actor=staff_actor(world.officer), message="Cho biết đoạn kênh cụ thể.")
    case_provide_info(case=case, actor=citizen_actor(case.pk), message="Đoạn qua cầu Đông Côi.")

    body, text = public_json(client, feedback.tracking_code)

    steps = [(e["transition"], e["agency"]) for e in body["timeline"]]
    assert steps == [
        ("submit", None),
        ("route", "Sở Xây dựng"),
        ("accept", "Sở Xây dựng"),
        ("request_info", "Sở Xây dựng"),
        ("provide_info", None),  # the citizen's step, not the agency's
    ]
    assert [(e["label"], e["message"]) for e in body["timeline"][:4]] == [
        ("Đã gửi phản ánh", None), ("Đã chuyển xử lý", None), ("Cơ quan đã nhận xử lý", None),
        ("Yêu cầu bổ sung thông tin", "Cho biết đoạn kênh cụ thể.")]
    assert body["status"] == "in_progress"
    assert_no_personal_data(text, world)
    assert "xuly" not in text and "tiepnhan" not in text


def answered(world, feedback, *, text="Đã thu gom rác và lắp biển cấm đổ rác."):
    case = case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
    case = case_accept(case=case, actor=staff_actor(world.officer))
    return case_answer(case=case, actor=staff_actor(world.officer), answer=text)


def test_answer_is_shown_with_its_result_photos(client, world, media):
    feedback = submit(world).submission
    case = answered(world, feedback)
    result = CasePhoto(case=case, width=64, height=48)
    result.image.save("ket-qua.jpg", ContentFile(jpeg()), save=False)
    result.thumbnail.save("ket-qua.jpg", ContentFile(jpeg()), save=False)
    result.save()

    body, _text = public_json(client, feedback.tracking_code)

    assert body["status"] == "answered"
    assert body["answer"]["text"] == "Đã thu gom rác và lắp biển cấm đổ rác."
    assert body["answer"]["agency"] == "Sở Xây dựng"
    assert len(body["answer"]["photos"]) == 1
    assert body["timeline"][-1]["message"] == "Đã thu gom rác và lắp biển cấm đổ rác."
    assert body["due_at"] is None


def test_a_draft_answer_waiting_for_approval_is_not_public(client, world, media):
    world.department.requires_approval = True
    world.department.save()
    feedback = submit(world).submission
    answered(world, feedback, text="Bản nháp chưa duyệt")

    body, text = public_json(client, feedback.tracking_code)

    assert body["status"] == "pending_approval" and body["answer"] is None
    assert "Bản nháp chưa duyệt" not in text
    assert body["timeline"][-1]["label"] == "Đang chờ duyệt trả lời"


def test_rejection_shows_reason_and_message(client, world, media):
    feedback = submit(world).submission
    case_reject(case=feedback.case, actor=staff_actor(world.receptionist), reason_code="complaint",
                message="Nội dung là khiếu nại; vui lòng gửi theo Luật Khiếu nại.")

    body, _text = public_json(client, feedback.tracking_code)

    assert body["status"] == "rejected"
    assert body["rejection"] == {"reason_code": "complaint",
                                 "reason_label": "Khiếu nại, tố cáo: thuộc kênh giải quyết khác",
                                 "message": "Nội dung là khiếu nại; vui lòng gửi theo Luật Khiếu nại."}


def test_a_merged_submission_follows_the_surviving_case(client, world, media):
    duplicate = submit(world).submission
    survivor = submit(world).submission
    case_merge(case=duplicate.case, actor=staff_actor(world.receptionist), into=survivor.case)
    case_route(case=survivor.case, actor=staff_actor(world.receptionist), agency=world.department)

    body, _text = public_json(client, duplicate.tracking_code)

    assert body["tracking_code"] == duplicate.tracking_code
    assert body["status"] == "assigned"
    assert body["timeline"][-1]["transition"] == "route"
    # Its page says it was merged, between its own sending and the survivor's later steps.
    assert [step["transition"] for step in body["timeline"]] == ["submit", "merge", "route"]
    assert body["timeline"][1]["label"] == "Đã gộp với phản ánh trùng"
    # The survivor's own sender was not merged anywhere: no such step on their page.
    assert "merge" not in [step["transition"] for step in public_json(client, survivor.tracking_code)[0]["timeline"]]


# --- the submitter's own view ----------------------------------------------------------------------

def test_private_view_adds_what_the_submitter_sent_and_can_do(world, media):
    feedback = submit(world, anonymous=False).submission
    view = private_case(submission_by_code(feedback.tracking_code))

    assert view["contact"] == {"name": "Nguyễn Thị Hoa", "phone": "0912345678", "email": "hoa.nguyen@example.vn"}
    assert view["location"] == {"latitude": 21.186123, "longitude": 106.076456}
    assert view["actions"] == ["withdraw"]
    assert view["info_request"] is None


def test_private_view_of_an_anonymous_submission_keeps_the_exact_position(world, media):
    feedback = submit(world, anonymous=True, publish_consent=False).submission
    view = private_case(feedback)
    assert view["location"] == {"latitude": 21.186123, "longitude": 106.076456}
    assert view["title"] == "Rác thải đổ xuống kênh" and len(view["photos"]) == 1
    assert view["contact"] == {"name": "", "phone": "", "email": ""}


def test_private_view_shows_the_question_when_information_is_requested(world, media):
    feedback = submit(world).submission
    case_request_info(case=feedback.case, actor=staff_actor(world.receptionist), message="Gửi thêm ảnh toàn cảnh.")
    view = private_case(submission_by_code(feedback.tracking_code))

    assert view["actions"] == ["provide_info", "withdraw"]
    assert view["info_request"]["message"] == "Gửi thêm ảnh toàn cảnh."


def test_private_view_offers_rating_once_answered(world, media):
    feedback = submit(world).submission
    answered(world, feedback)
    assert private_case(submission_by_code(feedback.tracking_code))["actions"] == ["rate"]


def test_public_view_costs_a_fixed_number_of_queries(world, media, django_assert_max_num_queries):
    feedback = submit(world).submission
    answered(world, feedback)
    with django_assert_max_num_queries(5):
        json.dumps(public_case(submission_by_code(feedback.tracking_code)), default=str)


# --- the home page list -------------------------------------------------------------------------------

def test_recent_public_cases_lists_only_consented_ones_newest_first(world, media):
    older = submit(world).submission
    submit(world, publish_consent=False)
    newer = submit(world, anonymous=True).submission
    rejected = submit(world).submission
    case_reject(case=rejected.case, actor=staff_actor(world.receptionist), reason_code="spam", message="Quảng cáo.")

    rows = recent_public_cases(limit=10)

    assert [row["tracking_code"] for row in rows] == [newer.tracking_code, older.tracking_code]
    assert rows[0]["thumbnail_url"].startswith("/media/photos/")
    assert set(rows[0]) == {"tracking_code", "title", "status", "status_label", "kind", "category", "ward",
                            "submitted_at", "thumbnail_url"}
    text = json.dumps(rows, default=str, ensure_ascii=False)
    assert_no_personal_data(text, world)
    assert "Kinh Dương Vương" not in text


def test_recent_public_cases_respects_the_limit_with_one_query(world, media, django_assert_num_queries):
    for _ in range(3):
        make_submission(category=world.category, publish_consent=True)
    with django_assert_num_queries(1):
        rows = recent_public_cases(limit=2)
    assert len(rows) == 2


def test_photos_are_listed_in_the_order_they_were_sent(world, media):
    feedback = feedback_submit(fields={
        "kind": "on_site", "category": world.category, "title": "Ổ gà", "description": "Ổ gà lớn.",
        "ward": world.ward, "publish_consent": True}, photos=[jpeg((1, 1, 1)), jpeg((250, 250, 250))],
        channel="web", device_class="mobile").submission
    photos = list(SubmissionPhoto.objects.filter(submission=feedback))
    assert [p.position for p in photos] == [0, 1]
    assert [p["url"] for p in public_case(feedback)["photos"]] == [p.image.url for p in photos]


def test_without_consent_staff_messages_about_the_matter_stay_private(client, world, media):
    feedback = submit(world, publish_consent=False).submission
    case_reject(case=feedback.case, actor=staff_actor(world.receptionist), reason_code="not_in_scope",
                message="Tranh chấp dân sự giữa hai hộ gia đình.")

    body, text = public_json(client, feedback.tracking_code)

    assert body["rejection"]["reason_code"] == "not_in_scope" and body["rejection"]["message"] is None
    assert "Tranh chấp dân sự" not in text
    own = private_case(submission_by_code(feedback.tracking_code))
    assert own["rejection"]["message"] == "Tranh chấp dân sự giữa hai hộ gia đình."
