"""The officials' pages: login, inbox, case page and the action forms that move a case.

Every change goes through a POST to ``workflow:transition``; these tests drive a case from
submission to answer with the test client alone, as an official would with a browser.
Time is frozen on a working Monday (2026-03-02, Asia/Ho_Chi_Minh) so deadlines read the same.
"""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.factories import make_submission
from workflow import services
from workflow.actors import staff_actor
from workflow.models import Case, RoutingRule, State
from workflow.transitions import TRANSITIONS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8AM = datetime(2026, 3, 2, 8, 0, tzinfo=VN)


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


def login(client, user):
    client.force_login(user)
    return client


def case_url(case):
    return reverse("workflow:case", args=[case.pk])


def action_url(case, name):
    return reverse("workflow:transition", args=[case.pk, name])


def shown_actions(response):
    """The transition names whose forms the page shows."""
    html = response.content.decode()
    return {name for name in TRANSITIONS if f'data-action="{name}"' in html}


def jpeg_upload(name="ket-qua.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def submitted(world):
    with time_machine.travel(MONDAY_8AM, tick=False):
        return make_submission(category=world.category, ward=world.ward, title="Đèn đường hỏng ở Kinh Bắc",
                             contact_name="Nguyễn Văn A", contact_phone="0912345678",
                             latitude="21.186100", longitude="106.076300").case


@pytest.fixture
def assigned(world, submitted):
    actor = staff_actor(world.receptionist)
    return services.case_route(case=submitted, actor=actor, agency=world.department)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- login and access ------------------------------------------------------------------------------

def test_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("workflow:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập dành cho cán bộ" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_login_with_the_right_password_opens_the_inbox(client, world):
    from tests.factories import PASSWORD

    response = client.post(reverse("workflow:login"), {"username": "tiepnhan", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("workflow:inbox")


def test_login_with_a_wrong_password_says_so_in_vietnamese(client, world):
    response = client.post(reverse("workflow:login"), {"username": "tiepnhan", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_logout_is_a_post_and_leads_back_to_login(client, world):
    login(client, world.receptionist)
    assert client.get(reverse("workflow:logout")).status_code == 405
    response = client.post(reverse("workflow:logout"))
    assert response.status_code == 302 and response.url == reverse("workflow:login")
    assert client.get(reverse("workflow:inbox")).status_code == 302


@pytest.mark.parametrize("page", ["inbox", "case"])
def test_anonymous_visitor_is_sent_to_login(client, submitted, page):
    url = reverse("workflow:inbox") if page == "inbox" else case_url(submitted)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("workflow:login") + "?next=")


def test_anonymous_post_to_a_transition_changes_nothing(client, world, submitted):
    response = client.post(action_url(submitted, "route"), {"agency": world.department.code})
    assert response.status_code == 302 and reverse("workflow:login") in response.url
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_user_without_a_role_gets_a_clear_403(client, world, submitted):
    login(client, world.nobody)
    for url in (reverse("workflow:inbox"), case_url(submitted)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Bạn chưa được phân công vai trò" in response.content.decode()


# --- inbox -----------------------------------------------------------------------------------------

def test_reception_sees_a_new_case_in_the_reception_queue(client, world, submitted):
    login(client, world.receptionist)
    with time_machine.travel(at(2, 10, 30), tick=False):
        response = client.get(reverse("workflow:inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="case-list" data-live-inbox' in html
    assert f'data-case-id="{submitted.pk}"' in html
    assert "BN-TEST-0001" in html and "Đèn đường hỏng ở Kinh Bắc" in html
    assert 'class="badge state-submitted"' in html
    assert "Hạ tầng đô thị" in html and "Phường Kinh Bắc" in html
    assert "02/03/2026 08:00" in html
    # 8 working hours for reception, 2.5 of them gone by 10:30.
    assert "còn 5,5 giờ làm việc" in html
    assert 'aria-current="page"' in html and "Chờ tiếp nhận" in html


def test_an_overdue_case_is_marked_overdue(client, world, submitted):
    login(client, world.receptionist)
    # Due Tuesday 08:30 (7 hours on Monday, 1 on Tuesday); at 11:30 it is 3 working hours late.
    with time_machine.travel(at(3, 11, 30), tick=False):
        response = client.get(reverse("workflow:inbox"))
    html = response.content.decode()
    assert '<span class="overdue">quá hạn 3 giờ</span>' in html
    assert 'class="is-overdue"' in html


def test_time_is_told_in_working_days_from_two_of_them(client, world, submitted):
    """Deadlines are set in working days: a case a week late reads as days, not as 40-odd hours."""
    login(client, world.receptionist)
    # Due Tuesday 08:30; the next Tuesday at 08:30 it is five working days (of 7.5 hours) late.
    with time_machine.travel(at(10, 8, 30), tick=False):
        html = client.get(reverse("workflow:inbox")).content.decode()
    assert '<span class="overdue">quá hạn 5 ngày làm việc</span>' in html


def test_officer_inbox_opens_on_the_agency_queue_and_shows_only_their_cases(client, world, assigned):
    with time_machine.travel(MONDAY_8AM, tick=False):
        other = make_submission(category=world.category, title="Rác thải ở kênh").case
    login(client, world.officer)
    html = client.get(reverse("workflow:inbox")).content.decode()
    assert "Hồ sơ của cơ quan" in html
    assert 'href="?queue=reception"' not in html  # no reception tab for an officer
    assert f'data-case-id="{assigned.pk}"' in html
    assert f'data-case-id="{other.pk}"' not in html


def test_supervisor_has_approval_extension_and_overdue_tabs(client, world, db):
    login(client, world.supervisor)
    html = client.get(reverse("workflow:inbox")).content.decode()
    for tab in ("approvals", "extensions", "overdue", "all"):
        assert f'href="?queue={tab}"' in html
    assert 'href="?queue=reception"' not in html


def test_inbox_search_finds_a_case_by_tracking_code(client, world, submitted):
    with time_machine.travel(MONDAY_8AM, tick=False):
        other = make_submission(category=world.category, title="Ổ gà trên đường").case
    login(client, world.receptionist)
    html = client.get(reverse("workflow:inbox"), {"queue": "all", "q": "bn-test-0002"}).content.decode()
    assert f'data-case-id="{other.pk}"' in html
    assert f'data-case-id="{submitted.pk}"' not in html


def test_inbox_filters_by_state(client, world, submitted, assigned):
    with time_machine.travel(MONDAY_8AM, tick=False):
        waiting = make_submission(category=world.category, title="Cây đổ").case
    login(client, world.receptionist)
    html = client.get(reverse("workflow:inbox"), {"queue": "all", "state": "assigned"}).content.decode()
    assert f'data-case-id="{assigned.pk}"' in html
    assert f'data-case-id="{waiting.pk}"' not in html


def _inbox_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflow:inbox"), {"queue": "all"}).status_code == 200
    return len(queries)


def test_inbox_costs_the_same_queries_for_many_cases_as_for_few(client, world):
    login(client, world.receptionist)
    with time_machine.travel(MONDAY_8AM, tick=False):
        for n in range(3):
            make_submission(category=world.category, ward=world.ward, title=f"Hồ sơ {n}")
        few = _inbox_queries(client)
        for n in range(12):
            make_submission(category=world.category, ward=world.ward, title=f"Hồ sơ thêm {n}")
        many = _inbox_queries(client)
    assert many == few


# --- case page -------------------------------------------------------------------------------------

def test_case_page_shows_the_submission_contact_and_map_to_staff(client, world, submitted):
    login(client, world.receptionist)
    response = client.get(case_url(submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-case-id="{submitted.pk}" data-case-state="submitted"' in html
    assert "Nguyễn Văn A" in html and "0912345678" in html
    assert "https://www.openstreetmap.org/?mlat=21.186100&amp;mlon=106.076300#map=18/21.186100/106.076300" in html
    assert "Gửi phản ánh" in html  # the timeline's first event


def test_outsider_gets_404_on_another_agencys_case(client, world, assigned):
    login(client, world.outsider)
    assert client.get(case_url(assigned)).status_code == 404
    assert client.post(action_url(assigned, "accept")).status_code == 404


def test_reception_sees_route_reject_request_info_and_merge_on_a_submitted_case(client, world, submitted):
    login(client, world.receptionist)
    actions = shown_actions(client.get(case_url(submitted)))
    assert {"route", "reject", "request_info", "merge"} <= actions
    assert not actions & {"accept", "answer", "approve"}


def test_the_main_step_comes_first_and_unfolded(client, world, submitted):
    login(client, world.receptionist)
    html = client.get(case_url(submitted)).content.decode()
    assert 'id="action-route" open' in html
    assert 'id="action-reject" open' not in html
    assert html.index('data-action="route"') < html.index('data-action="reject"')


def test_route_form_preselects_the_suggested_agency(client, world, submitted):
    RoutingRule.objects.create(category=world.category, agency=world.department, priority=1)
    login(client, world.receptionist)
    html = client.get(case_url(submitted)).content.decode()
    assert f'<option value="{world.department.code}" selected>' in html
    assert "Gợi ý theo quy tắc chuyển" in html


def test_officer_sees_accept_on_an_assigned_case(client, world, assigned):
    login(client, world.officer)
    actions = shown_actions(client.get(case_url(assigned)))
    assert "accept" in actions
    assert not actions & {"route", "reject", "merge", "approve"}


def test_nobody_sees_actions_on_a_closed_case(client, world, assigned):
    services.case_accept(case=assigned, actor=staff_actor(world.officer))
    services.case_answer(case=assigned, actor=staff_actor(world.officer), answer="Đã thay bóng đèn.")
    services.case_close(case=assigned, actor=staff_actor(world.receptionist))
    for user in (world.receptionist, world.officer, world.supervisor, world.province_supervisor):
        login(client, user)
        response = client.get(case_url(assigned))
        assert response.status_code == 200
        assert shown_actions(response) == set()
        assert "Bạn không có thao tác nào" in response.content.decode()


# --- moving a case -----------------------------------------------------------------------------------

def test_a_case_goes_from_submission_to_answer_through_the_pages(client, world, submitted, media):
    world.department.requires_approval = True
    world.department.save()

    login(client, world.receptionist)
    response = client.post(action_url(submitted, "route"), {"agency": world.department.code})
    assert response.status_code == 302 and response.url == case_url(submitted)
    assert "Đã thực hiện: Tiếp nhận và chuyển xử lý." in client.get(response.url).content.decode()

    login(client, world.officer)
    assert client.post(action_url(submitted, "accept")).status_code == 302
    response = client.post(action_url(submitted, "answer"),
                           {"answer": "Đã thay bóng đèn mới.", "photos": [jpeg_upload()]})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.PENDING_APPROVAL
    assert submitted.result_photos.count() == 1

    login(client, world.supervisor)
    assert "approve" in shown_actions(client.get(case_url(submitted)))
    assert client.post(action_url(submitted, "approve")).status_code == 302

    submitted.refresh_from_db()
    assert submitted.state == State.ANSWERED
    html = client.get(case_url(submitted)).content.decode()
    assert "Đã thay bóng đèn mới." in html and 'class="badge state-answered"' in html
    assert submitted.result_photos.get().thumbnail.url in html
    transitions = list(submitted.events.values_list("transition", flat=True))
    assert transitions == ["submit", "route", "accept", "answer", "approve"]


def test_a_get_never_changes_a_case(client, world, assigned):
    login(client, world.officer)
    assert client.get(action_url(assigned, "accept")).status_code == 405
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_a_second_accept_gets_a_conflict_message_not_an_error(client, world, assigned):
    login(client, world.officer)
    assert client.post(action_url(assigned, "accept")).status_code == 302
    response = client.post(action_url(assigned, "accept"))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'class="msg msg-error"' in html and "Không thể thực hiện" in html
    assert f'data-case-state="{State.IN_PROGRESS}"' in html


def test_reject_without_a_reason_shows_the_field_error(client, world, submitted):
    login(client, world.receptionist)
    response = client.post(action_url(submitted, "reject"), {"message": "Nội dung không rõ."})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="action-reject" open' in html
    assert 'class="errorlist"' in html
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_reject_with_reason_and_message_rejects(client, world, submitted):
    login(client, world.receptionist)
    response = client.post(action_url(submitted, "reject"),
                           {"reason_code": "complaint", "message": "Vui lòng gửi đơn khiếu nại theo Luật Khiếu nại."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED and submitted.reject_reason_code == "complaint"


def test_officer_may_not_transfer_and_gets_403(client, world, assigned):
    login(client, world.officer)
    response = client.post(action_url(assigned, "transfer"), {"agency": world.other.code, "reason": "Không thuộc sở."})
    assert response.status_code == 403
    assert 'class="msg msg-error"' in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.agency_id == world.department.pk


def test_an_unknown_transition_is_404(client, world, submitted):
    login(client, world.receptionist)
    assert client.post(action_url(submitted, "rate")).status_code == 404
    assert client.post(action_url(submitted, "explode")).status_code == 404


def test_after_returning_a_case_the_officer_lands_on_the_inbox(client, world, assigned):
    login(client, world.officer)
    response = client.post(action_url(assigned, "return"), {"reason": "Thuộc thẩm quyền UBND phường."})
    assert response.status_code == 302 and response.url == reverse("workflow:inbox")
    assert Case.objects.get(pk=assigned.pk).state == State.SUBMITTED


def test_staff_sign_in_is_throttled_per_address(client, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "login": "3/hour"}}
    for _attempt in range(3):
        assert client.post("/staff/login/", {"username": "tiepnhan", "password": "sai"}).status_code == 200
    blocked = client.post("/staff/login/", {"username": "tiepnhan", "password": "sai"})
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()
    cache.clear()


def test_a_draft_sent_back_is_shown_as_such_with_the_reason_and_the_answer_starts_from_it(client, world, submitted):
    """After "send back" the page must not show the draft as the answer: it says it was returned,
    why, and the officer edits it rather than typing it again."""
    world.department.requires_approval = True
    world.department.save()
    case = services.case_route(case=submitted, actor=staff_actor(world.receptionist), agency=world.department)
    case = services.case_accept(case=case, actor=staff_actor(world.officer))
    case = services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã thay bóng đèn số 12.")
    services.case_send_back(case=case, actor=staff_actor(world.supervisor), reason="Ghi rõ ngày thay.")
    html = login(client, world.officer).get(case_url(case)).content.decode()
    assert "Dự thảo bị trả lại" in html and "Ghi rõ ngày thay." in html
    assert '<h2 id="answer-h">Trả lời</h2>' not in html
    answer_box = html[html.index('id="id_answer_answer"'):]
    assert answer_box[:answer_box.index("</textarea>")].endswith("Đã thay bóng đèn số 12.")
