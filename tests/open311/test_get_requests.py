"""GET requests, requests/{id} and tokens/{token}: every field in both formats, the privacy rules of
the public view, the state mapping, the filters, the 90-day window and paging."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflow.models import Submission
from tests.factories import CategoryFactory, make_submission
from tests.feedback import CONTACT
from tests.open311 import (BASE, DEMO_KEY, REQUEST_FIELDS, children, errors, filed_id, json_body, post_request,
                           request_arguments, xml_root)
from tests.workflow.builders import act
from workflow import services
from workflow.actors import citizen_actor

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 28, 9, 15, tzinfo=VN)
W3C_VIETNAM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def submitted(world, days_ago=0, *, category=None, **fields):
    fields.setdefault("publish_consent", True)
    return make_submission(category=category or world.category, ward=world.ward,
                         submitted_at=NOW - timedelta(days=days_ago), **fields)


def get_json(client, path, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == 200, response.content[:300]
    return json_body(response)


def listed(client, **params):
    return [r["service_request_id"] for r in get_json(client, "requests", **params)]


def one(client, code):
    [request] = get_json(client, f"requests/{code}")
    return request


# --- shape -----------------------------------------------------------------------------------------

def test_a_request_has_every_field_in_xml_empty_when_blank(client, world):
    submission = submitted(world, latitude="21.186123", longitude="106.076456")
    root = xml_root(client.get(f"{BASE}/requests/{submission.tracking_code}.xml"), "service_requests")
    [request] = root
    assert request.tag == "request" and children(request) == list(REQUEST_FIELDS)
    assert request.findtext("service_request_id") == submission.tracking_code
    assert request.findtext("status") == "open" and request.findtext("status_notes") == "Chờ tiếp nhận"
    assert request.findtext("lat") == "21.186123" and request.findtext("address_id") == world.ward.code
    assert request.find("zipcode").text is None and request.find("agency_responsible").text is None


def test_a_request_in_json_is_a_one_item_array_with_nulls_for_blanks(client, world):
    submission = submitted(world)
    body = get_json(client, f"requests/{submission.tracking_code}")
    assert isinstance(body, list) and len(body) == 1
    request = body[0]
    assert list(request) == list(REQUEST_FIELDS)
    assert request["zipcode"] is None and request["lat"] is None and request["media_url"] is None
    assert request["service_code"] == world.category.code and request["service_name"] == world.category.name_vi
    assert request["description"] == submission.description


def test_times_are_vietnams_with_their_offset(client, world):
    submission = submitted(world, days_ago=2)
    request = one(client, submission.tracking_code)
    assert request["requested_datetime"] == "2026-11-26T09:15:00+07:00"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_VIETNAM.fullmatch(request[name]), (name, request[name])


def test_an_unknown_request_is_404_in_both_formats(client, world):
    errors(client.get(f"{BASE}/requests/BN-0000-0000.json"), "json", 404)
    errors(client.get(f"{BASE}/requests/BN-0000-0000.xml"), "xml", 404)


def test_the_list_is_service_requests_of_request(client, world):
    submitted(world)
    submitted(world, days_ago=1)
    root = xml_root(client.get(f"{BASE}/requests.xml"), "service_requests")
    assert children(root) == ["request", "request"]
    assert all(children(request) == list(REQUEST_FIELDS) for request in root)


def test_an_empty_list_is_an_empty_root_and_an_empty_array(client, world):
    assert list(xml_root(client.get(f"{BASE}/requests.xml"), "service_requests")) == []
    assert get_json(client, "requests") == []


# --- privacy ---------------------------------------------------------------------------------------

SECRETS = (CONTACT["contact_name"], CONTACT["contact_phone"], CONTACT["contact_email"], "Thị Hoa", "Nguyễn",
           "device-123", "acct-9", DEMO_KEY, "Demo Open311", "tiepnhan", "xuly", "12 Nguyễn Trãi")


def test_no_get_ever_shows_contact_client_key_or_staff(client, world, app_client, media):
    data = request_arguments(world, **{"attribute[publish_consent]": "false"})
    code = filed_id(post_request(client, data, HTTP_IDEMPOTENCY_KEY="app-token-0001"))
    submission = Submission.objects.get(tracking_code=code)
    services.case_route(case=submission.case, actor=act(world.receptionist), agency=world.department)
    services.case_accept(case=submission.case, actor=act(world.officer))
    paths = [f"requests/{code}", "requests", "tokens/app-token-0001"]
    for fmt in ("json", "xml"):
        for path in paths:
            text = client.get(f"{BASE}/{path}.{fmt}").content.decode()
            assert code in text
            for secret in SECRETS:
                assert secret not in text, (path, fmt, secret)
            for field in ("first_name", "last_name", "email", "phone", "device_id", "account_id", "api_key"):
                assert f'"{field}"' not in text and f"<{field}" not in text, (path, fmt, field)


def test_without_consent_the_text_position_address_and_photo_are_withheld(client, world, app_client, media):
    data = request_arguments(world, **{"attribute[publish_consent]": "false"})
    request = one(client, filed_id(post_request(client, data)))
    assert [request[name] for name in ("description", "lat", "long", "address", "media_url")] == [None] * 5
    assert request["address_id"] == world.ward.code and request["service_code"] == world.category.code


def test_with_consent_they_are_shown_and_the_photo_link_works(client, world, app_client, media):
    request = one(client, filed_id(post_request(client, request_arguments(world))))
    assert request["description"].startswith("Đèn đường hỏng trước số 12")
    assert (request["lat"], request["long"], request["address"]) == (21.186123, 106.076456, "12 Nguyễn Trãi")
    assert request["media_url"].startswith("http://testserver/media/photos/")
    stored = Submission.objects.get(tracking_code=request["service_request_id"]).photos.get().image.name
    assert request["media_url"] == f"http://testserver/media/{stored}" and (media / stored).is_file()


def test_an_anonymous_submitters_position_is_rounded_and_address_withheld(client, world, app_client, media):
    data = request_arguments(world, **{"attribute[anonymous]": "true"})
    request = one(client, filed_id(post_request(client, data)))
    assert (request["lat"], request["long"]) == (21.186, 106.076)
    assert request["address"] is None


def test_a_clients_photo_link_is_shown_only_with_consent(client, world, app_client, media):
    link = "https://cdn.example.vn/anh/1.jpg"
    shown = filed_id(post_request(client, request_arguments(world, with_photo=False, media_url=link)))
    hidden = filed_id(post_request(client, request_arguments(
        world, with_photo=False, media_url=link, **{"attribute[publish_consent]": "false"})))
    assert one(client, shown)["media_url"] == link
    assert one(client, hidden)["media_url"] is None


# --- states ----------------------------------------------------------------------------------------

def test_a_routed_case_names_its_agency_and_its_handling_deadline(client, world):
    submission = submitted(world)
    case = services.case_route(case=submission.case, actor=act(world.receptionist), agency=world.department)
    request = one(client, submission.tracking_code)
    assert (request["status"], request["status_notes"]) == ("open", "Đã chuyển xử lý")
    assert request["agency_responsible"] == "Sở Xây dựng"
    expected = case.handling_due_at.astimezone(VN).isoformat(timespec="seconds")
    assert request["expected_datetime"] == expected
    assert request["service_notice"].startswith("Hạn xử lý:")
    assert request["updated_datetime"] == "2026-11-28T09:15:00+07:00"


def test_an_answered_request_is_closed_with_the_answer_then_open_again_when_reopened(client, world):
    submission = submitted(world, days_ago=1)
    services.case_route(case=submission.case, actor=act(world.receptionist), agency=world.department)
    services.case_accept(case=submission.case, actor=act(world.officer))
    services.case_answer(case=submission.case, actor=act(world.officer), answer="Đã thay bóng đèn.")
    request = one(client, submission.tracking_code)
    assert (request["status"], request["status_notes"]) == ("closed", "Đã trả lời: Đã thay bóng đèn.")
    assert request["expected_datetime"] is None and request["service_notice"] is None

    services.case_reopen(case=submission.case, actor=citizen_actor(submission.case_id), reason="Đèn lại hỏng")
    assert (one(client, submission.tracking_code)["status"], one(client, submission.tracking_code)["status_notes"]) == (
        "open", "Đang xử lý")


def test_a_rejected_request_is_closed_with_the_reason(client, world):
    submission = submitted(world)
    services.case_reject(case=submission.case, actor=act(world.receptionist), reason_code="complaint",
                         message="Đề nghị gửi đơn khiếu nại theo quy định.")
    request = one(client, submission.tracking_code)
    assert request["status"] == "closed"
    assert request["status_notes"] == "Từ chối: Khiếu nại, tố cáo: thuộc kênh giải quyết khác"


def test_a_merged_submission_shows_the_case_it_follows_now(client, world):
    survivor, duplicate = submitted(world, days_ago=1), submitted(world)
    services.case_route(case=survivor.case, actor=act(world.receptionist), agency=world.department)
    services.case_merge(case=duplicate.case, actor=act(world.receptionist), into=survivor.case)
    request = one(client, duplicate.tracking_code)
    assert (request["status"], request["agency_responsible"]) == ("open", "Sở Xây dựng")


@pytest.mark.parametrize(("step", "status"), [("withdraw", "closed"), ("request_info", "open")])
def test_other_states_map_to_open_or_closed(client, world, step, status):
    submission = submitted(world)
    if step == "withdraw":
        services.case_withdraw(case=submission.case, actor=citizen_actor(submission.case_id))
    else:
        services.case_request_info(case=submission.case, actor=act(world.receptionist), message="Cần ảnh rõ hơn")
    request = one(client, submission.tracking_code)
    assert request["status"] == status
    if step == "request_info":
        assert request["expected_datetime"] is None  # the clock waits for the citizen


# --- filters, window and paging -----------------------------------------------------------------

def test_the_list_is_newest_first_within_the_last_90_days_by_default(client, world):
    old, recent, today = submitted(world, days_ago=91), submitted(world, days_ago=30), submitted(world)
    assert listed(client) == [today.tracking_code, recent.tracking_code]
    assert old.tracking_code not in listed(client)


def test_service_codes_filter_as_a_comma_list(client, world):
    lighting, water = CategoryFactory(code="chieu-sang"), CategoryFactory(code="cap-nuoc")
    a, b, _c = submitted(world, category=lighting), submitted(world, category=water), submitted(world)
    assert set(listed(client, service_code="chieu-sang,cap-nuoc")) == {a.tracking_code, b.tracking_code}
    assert listed(client, service_code="chieu-sang") == [a.tracking_code]
    assert listed(client, service_code="khong-co") == []


def test_status_filters_open_and_closed(client, world):
    open_one, closed_one = submitted(world), submitted(world, days_ago=1)
    services.case_reject(case=closed_one.case, actor=act(world.receptionist), reason_code="spam", message="Rác")
    assert listed(client, status="open") == [open_one.tracking_code]
    assert listed(client, status="closed") == [closed_one.tracking_code]
    assert listed(client, status="open,closed") == [open_one.tracking_code, closed_one.tracking_code]
    assert listed(client, status="") == [open_one.tracking_code, closed_one.tracking_code]  # empty = absent


def test_dates_take_z_an_offset_or_nothing_which_means_vietnam(client, world):
    submission = submitted(world, days_ago=10)  # 2026-11-18 09:15 +07:00 = 02:15 Z
    code = submission.tracking_code
    assert listed(client, start_date="2026-11-18T02:15:00Z", end_date="2026-11-19T00:00:00Z") == [code]
    assert listed(client, start_date="2026-11-18T02:16:00Z", end_date="2026-11-19T00:00:00Z") == []
    assert listed(client, start_date="2026-11-18T09:15:00", end_date="2026-11-18T09:15:00") == [code]
    assert listed(client, start_date="2026-11-18T09:15:00+07:00", end_date="2026-11-18T10:00:00+07:00") == [code]
    assert listed(client, start_date="2026-11-18T09:16:00", end_date="2026-11-20T00:00:00") == []


def test_one_date_opens_a_90_day_window_from_or_to_it(client, world):
    early, late = submitted(world, days_ago=150), submitted(world, days_ago=40)
    assert listed(client, start_date="2026-06-01T00:00:00+07:00") == [early.tracking_code]  # to 30 August
    assert listed(client, end_date="2026-09-01T00:00:00+07:00") == [early.tracking_code]
    assert listed(client, start_date="2026-10-01T00:00:00+07:00") == [late.tracking_code]


BAD_ARGUMENTS = [
    ({"status": "pending"}, ["status"]),
    ({"start_date": "hôm qua"}, ["start_date"]),
    ({"start_date": "2026-11-01T00:00:00Z", "end_date": "2026-10-01T00:00:00Z"}, ["end_date"]),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, ["end_date"]),
    ({"page": "0"}, ["page"]),
    ({"page_size": "1001"}, ["page_size"]),
    ({"page_size": "mười"}, ["page_size"]),
    ({"status": "x", "end_date": "y", "page": "-1"}, ["page", "status", "end_date"]),
]


@pytest.mark.parametrize(("params", "names"), BAD_ARGUMENTS)
def test_each_bad_argument_is_one_400_error(client, world, params, names):
    for fmt in ("json", "xml"):
        descriptions = [d for _c, d in errors(client.get(f"{BASE}/requests.{fmt}", params), fmt, 400)]
        assert [d.split(":")[0] for d in descriptions] == names


def test_exactly_90_days_is_allowed(client, world):
    params = {"start_date": "2026-08-30T09:15:00+07:00", "end_date": "2026-11-28T09:15:00+07:00"}
    assert client.get(f"{BASE}/requests.json", params).status_code == 200


def test_pages_of_the_list(client, world):
    codes = [submitted(world, days_ago=day).tracking_code for day in range(5)]
    assert listed(client, page_size="2") == codes[:2]
    assert listed(client, page_size="2", page="2") == codes[2:4]
    assert listed(client, page_size="2", page="3") == codes[4:]
    assert listed(client, page_size="2", page="4") == []


def test_listed_ids_override_every_other_filter_and_unknown_ones_are_left_out(client, world):
    old, new = submitted(world, days_ago=200), submitted(world)
    ids = f"{old.tracking_code.lower()}, BN-0000-0000,{new.tracking_code}"
    assert listed(client, service_request_id=ids, status="closed", service_code="khong-co",
                  start_date="bad") == [new.tracking_code, old.tracking_code]


def test_a_long_list_costs_the_same_queries_as_a_short_one(client, world):
    for day in range(3):
        submitted(world, days_ago=day)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client)) == 3
    for day in range(3, 30):
        submitted(world, days_ago=day, anonymous=day % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client)) == 30
    assert len(many) == len(few)


# --- tokens ----------------------------------------------------------------------------------------

def test_a_token_finds_the_request_its_post_made(client, world, app_client, media):
    code = filed_id(post_request(client, request_arguments(world), HTTP_IDEMPOTENCY_KEY="lost-answer-0001"))
    root = xml_root(client.get(f"{BASE}/tokens/lost-answer-0001.xml"), "service_requests")
    [request] = root
    assert children(request) == ["service_request_id", "token"]
    assert (request.findtext("service_request_id"), request.findtext("token")) == (code, "lost-answer-0001")
    assert get_json(client, "tokens/lost-answer-0001") == [{"service_request_id": code, "token": "lost-answer-0001"}]


def test_a_token_with_dots_and_colons_is_read_whole(client, world, app_client, media):
    token = "app:v2.request-0001"
    code = filed_id(post_request(client, request_arguments(world), HTTP_IDEMPOTENCY_KEY=token))
    assert get_json(client, f"tokens/{token}") == [{"service_request_id": code, "token": token}]


def test_an_unknown_token_or_another_channels_key_is_404(client, world):
    submitted(world, idempotency_key="web-form-key-0001")
    errors(client.get(f"{BASE}/tokens/web-form-key-0001.json"), "json", 404)
    errors(client.get(f"{BASE}/tokens/nothing-here-0001.xml"), "xml", 404)
