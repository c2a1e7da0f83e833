"""Who hears what in the app, and the notifications API and page (staff only, their own rows).

Notifications are rendered after the change commits, so these tests commit for real.
"""
import copy

import pytest
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.factories import PASSWORD, make_submission
from workflow.actors import staff_actor
from workflow.services import (case_accept, case_answer, case_approve, case_grant_extension, case_refuse_extension,
                               case_request_extension, case_return, case_route, case_transfer)

pytestmark = pytest.mark.django_db(transaction=True)


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def routed(world):
    feedback = make_submission(category=world.category)
    case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
    return feedback.case


def test_a_routed_case_is_announced_to_the_agency_but_not_to_other_agencies_or_the_router(world, routed):
    assert _kinds(world.officer) == ["assigned"]
    assert _kinds(world.supervisor) == ["assigned"]
    assert _kinds(world.outsider) == []
    assert _kinds(world.receptionist) == []
    note = Notification.objects.get(user=world.officer)
    assert note.url == f"/staff/cases/{routed.pk}/"
    assert note.title.startswith("Hồ sơ mới chuyển đến: #")


def test_a_returned_case_goes_to_reception(world, routed):
    case_return(case=routed, actor=staff_actor(world.officer), reason="Không thuộc thẩm quyền của Sở.")
    assert _kinds(world.receptionist) == ["returned"]
    assert Notification.objects.get(user=world.receptionist).body == "Không thuộc thẩm quyền của Sở."


def test_a_transfer_tells_the_new_agency_only(world, routed):
    case_transfer(case=routed, actor=staff_actor(world.receptionist), agency=world.other, reason="Thuộc ngành y tế.")
    assert _kinds(world.outsider) == ["assigned"]
    assert _kinds(world.officer) == ["assigned"]  # from the route; nothing new


def test_an_answer_waiting_for_approval_reaches_the_supervisors_above_the_agency(world, routed):
    world.department.requires_approval = True
    world.department.save()
    officer = staff_actor(world.officer)
    case_accept(case=routed, actor=officer)
    case_answer(case=routed, actor=officer, answer="Đã sửa xong.")
    assert "approval_needed" in _kinds(world.supervisor)
    assert "approval_needed" in _kinds(world.province_supervisor)
    assert "approval_needed" not in _kinds(world.officer)
    case_approve(case=routed, actor=staff_actor(world.supervisor))
    assert "approved" in _kinds(world.officer)


def test_an_extension_request_goes_to_supervisors_and_the_grant_back_to_the_agency(world, routed):
    officer = staff_actor(world.officer)
    case_accept(case=routed, actor=officer)
    case_request_extension(case=routed, actor=officer, days=3, reason="Chờ vật tư.")
    assert "extension_request" in _kinds(world.supervisor)
    assert "extension_request" not in _kinds(world.outsider)
    case_grant_extension(case=routed, actor=staff_actor(world.supervisor))
    assert "extension_granted" in _kinds(world.officer)
    assert "extension_granted" not in _kinds(world.supervisor)  # who granted it is not told


def test_a_refused_extension_is_told_to_the_agency_with_the_reason(world, routed):
    officer = staff_actor(world.officer)
    case_accept(case=routed, actor=officer)
    case_request_extension(case=routed, actor=officer, days=3, reason="Chờ vật tư.")
    case_refuse_extension(case=routed, actor=staff_actor(world.supervisor), reason="Vật tư đã có trong kho.")
    told = Notification.objects.get(user=world.officer, kind="extension_refused")
    assert told.title.startswith("Đề nghị gia hạn không được đồng ý") and told.body == "Vật tư đã có trong kho."


def test_notifications_roll_back_with_the_change(world):
    feedback = make_submission(category=world.category)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)
        raise RuntimeError
    assert not Notification.objects.exists()


# --- the API -------------------------------------------------------------------------------

def _client(user=None, token=False):
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    elif user is not None:
        client.login(username=user.username, password=PASSWORD)
    return client


def test_staff_member_lists_their_own_notifications_newest_first_with_the_unread_count(world, routed):
    case_return(case=routed, actor=staff_actor(world.officer), reason="Không phải của Sở.")
    case_route(case=routed, actor=staff_actor(world.receptionist), agency=world.department)
    response = _client(world.supervisor, token=True).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["unread_count"] == 2 and body["count"] == 2
    assert [n["kind"] for n in body["results"]] == ["assigned", "assigned"]
    assert body["results"][0]["id"] > body["results"][1]["id"]
    assert set(body["results"][0]) >= {"id", "kind", "title", "body", "url", "case_id", "created_at", "read_at"}


def test_someone_else_sees_none_of_my_notifications(world, routed):
    body = _client(world.outsider).get("/api/v1/notifications/").json()
    assert body["count"] == 0 and body["unread_count"] == 0


def test_anonymous_visitor_gets_401_and_a_user_without_a_role_403(world):
    assert _client().get("/api/v1/notifications/").status_code == 401
    assert _client().post("/api/v1/notifications/read/", {"all": True}, format="json").status_code == 401
    assert _client(world.nobody).get("/api/v1/notifications/").status_code == 403
    assert _client(world.nobody).post("/api/v1/notifications/read/", {"all": True}, format="json").status_code == 403


def test_marking_read_by_ids_touches_only_my_own(world, routed):
    mine = Notification.objects.get(user=world.officer)
    theirs = Notification.objects.get(user=world.supervisor)
    client = _client(world.officer)
    response = client.post("/api/v1/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread_count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read(world, routed):
    case_return(case=routed, actor=staff_actor(world.officer), reason="Không phải của Sở.")
    client = _client(world.receptionist, token=True)
    assert client.post("/api/v1/notifications/read/", {"all": True}, format="json").json()["unread_count"] == 0
    assert client.post("/api/v1/notifications/read/", {}, format="json").status_code == 400


# --- the page and the bell -------------------------------------------------------------------

def test_the_list_page_shows_my_notifications_and_the_bell_count(world, routed, client, settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if "notifications.context_processors.unread_count" not in processors:
        processors.append("notifications.context_processors.unread_count")
    settings.TEMPLATES = templates
    client.login(username="xuly", password=PASSWORD)
    page = client.get("/notifications/").content.decode()
    assert "Hồ sơ mới chuyển đến" in page
    assert 'data-bell-count>1</span>' in page
    client.post("/notifications/read/", {"all": "1"})
    assert 'data-bell-count hidden>0</span>' in client.get("/notifications/").content.decode()


def test_the_list_page_asks_for_sign_in_and_refuses_a_user_without_a_role(world, client):
    assert client.get("/notifications/").status_code == 302
    client.login(username="nguoi-ngoai", password=PASSWORD)
    assert client.get("/notifications/").status_code == 403


def test_following_a_notification_reads_it_and_opens_its_case(world, routed, client):
    mine = Notification.objects.get(user=world.officer)
    theirs = Notification.objects.get(user=world.supervisor)
    client.login(username="xuly", password=PASSWORD)
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{mine.pk}/"' in page
    response = client.get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{routed.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404  # someone else's
    theirs.refresh_from_db()
    assert theirs.read_at is None
