"""Refusals a person meets are Vietnamese pages in the site's layout; the API keeps its JSON shape."""
import pytest
from django.test import Client

from tests.factories import make_submission
from workflow.models import CaseEvent, State

pytestmark = pytest.mark.django_db

KEY = "khoa-rieng-0001"


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_form_posted_without_its_token_gets_a_vietnamese_page_and_changes_nothing(csrf_client, world):
    feedback = make_submission(category=world.category, key=KEY)
    version = feedback.case.version
    events = CaseEvent.objects.count()
    response = csrf_client.post(f"/theo-doi/{feedback.tracking_code}/",
                                {"action": "withdraw", "key": KEY, "confirm": "on"}, HTTP_ACCEPT="text/html")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Chưa gửi được: trang đã cũ" in html
    assert 'class="topbar"' in html  # the site's layout
    assert "CSRF verification failed" not in html
    feedback.case.refresh_from_db()
    assert (feedback.case.state, feedback.case.version) == (State.SUBMITTED, version)
    assert CaseEvent.objects.count() == events


def test_a_post_from_an_opaque_origin_is_still_refused(csrf_client, world):
    """The fix for the private page changed its referrer policy, not what CSRF accepts."""
    feedback = make_submission(category=world.category, key=KEY)
    page = csrf_client.get(f"/theo-doi/{feedback.tracking_code}/?key={KEY}")
    token = page.context["csrf_token"]
    response = csrf_client.post(f"/theo-doi/{feedback.tracking_code}/",
                                {"action": "withdraw", "key": KEY, "confirm": "on", "csrfmiddlewaretoken": token},
                                HTTP_ORIGIN="null")
    assert response.status_code == 403
    feedback.case.refresh_from_db()
    assert feedback.case.state == State.SUBMITTED


def test_the_same_post_from_the_page_itself_is_accepted(csrf_client, world, settings):
    feedback = make_submission(category=world.category, key=KEY)
    page = csrf_client.get(f"/theo-doi/{feedback.tracking_code}/?key={KEY}")
    token = page.context["csrf_token"]
    response = csrf_client.post(f"/theo-doi/{feedback.tracking_code}/",
                                {"action": "withdraw", "key": KEY, "confirm": "on", "csrfmiddlewaretoken": token},
                                HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    feedback.case.refresh_from_db()
    assert feedback.case.state == State.WITHDRAWN


def test_an_unknown_page_is_a_vietnamese_404_in_the_layout(client):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and 'class="topbar"' in html


def test_an_unknown_api_path_keeps_the_json_error_shape(client):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response.json() == {"message": "Không tìm thấy.", "code": "not_found", "fields": {}}


def test_a_refused_api_post_without_a_token_answers_json(csrf_client, world):
    from core.error_views import csrf_failure
    from django.test import RequestFactory

    response = csrf_failure(RequestFactory().post("/api/v1/notifications/read/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_a_server_error_is_a_vietnamese_page(client, settings):
    from core.error_views import server_error
    from django.test import RequestFactory

    response = server_error(RequestFactory().get("/gui/"))
    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in response.content.decode()
    api = server_error(RequestFactory().get("/api/v1/feedback/"))
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")

