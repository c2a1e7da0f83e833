"""Every refusal leaves no trace: after a 401, 403, 404 or 409 (and a 400) the case's state, version,
agency, deadline and events, its submissions' photos and the files on disk are exactly as before.

Three doors are walked: the staff API (the whole permission matrix, then every transition name in
every state it is illegal from), the officials' pages, and the submitter's own actions.
"""
import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from core.errors import Conflict
from workflow.models import SubmissionPhoto
from tests.factories import make_submission
from tests.workflow.builders import case_in, new_case
from tests.workflow.test_permissions_matrix import CAST, MATRIX
from workflow.models import Case, CaseEvent, CasePhoto, State
from workflow import transitions

REFUSALS = (400, 401, 403, 404, 409)
# Fields every transition's body might need (each takes what it uses).
ANY_FIELDS = {"agency": "so-yt", "message": "Nội dung", "reason_code": "spam", "reason": "Lý do", "answer": "Đã xử lý",
              "days": 3, "into": "1"}


def trace(media=None):
    """Everything a change could leave behind, for every case at once."""
    cases = list(Case.objects.order_by("pk").values_list("pk", "state", "version", "agency_id", "due_at",
                                                         "answer", "rating", "updated_at"))
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media and media.exists() else []
    return {"cases": cases, "events": CaseEvent.objects.count(), "photos": SubmissionPhoto.objects.count(),
            "result_photos": CasePhoto.objects.count(), "files": files}


def api_client(world, who):
    client = APIClient()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("endpoint", "method", "build", "expected"),
                         [row for row in MATRIX if row[1] == "post"], ids=[row[0] for row in MATRIX if row[1] == "post"])
def test_every_refusal_of_the_permission_matrix_changes_nothing(world, endpoint, method, build, expected, who):
    if expected[who] not in REFUSALS:
        pytest.skip("allowed for this person")
    url, body = build(world)
    before = trace()
    response = api_client(world, who).post(url, body, format="json")
    assert response.status_code == expected[who]
    assert set(response.json()) == {"message", "code", "fields"}
    assert trace() == before


def _illegal_pairs():
    """(state, transition) pairs where the transition is not possible from that state."""
    from workflow.models import Case as Model

    pairs = []
    for name in transitions.names():
        sources = set(getattr(Model, transitions.get(name).method)._django_fsm.transitions)
        for state in (State.SUBMITTED, State.NEEDS_INFO, State.ASSIGNED, State.IN_PROGRESS, State.ANSWERED,
                      State.CLOSED, State.REJECTED, State.WITHDRAWN):
            if state not in sources and "*" not in sources:
                pairs.append((state, name))
    return pairs


@pytest.mark.parametrize(("state", "name"), _illegal_pairs(), ids=lambda v: str(v))
def test_a_transition_from_a_state_that_does_not_allow_it_is_409_and_changes_nothing(world, state, name,
                                                                                    django_user_model):
    case = case_in(world, state)
    client = APIClient()  # a superuser: permitted everything, so only the state can refuse
    client.force_login(django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x-Quantri-2026"))
    before = trace()
    response = client.post(f"/api/v1/cases/{case.pk}/transitions/{name}/", ANY_FIELDS, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "illegal_transition"
    assert trace() == before


def test_a_stale_concurrent_change_is_409_and_changes_nothing(world):
    from workflow import services
    from workflow.actors import staff_actor

    case = case_in(world, State.ASSIGNED)
    stale = Case.objects.get(pk=case.pk)
    services.case_accept(case=case, actor=staff_actor(world.officer))
    before = trace()
    with pytest.raises(Conflict):
        services.case_accept(case=stale, actor=staff_actor(world.officer))
    assert trace() == before


# --- the officials' pages --------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "state", "name", "status"), [
    ("officer", State.ASSIGNED, "transfer", 403),
    ("outsider", State.ASSIGNED, "accept", 404),
    ("nobody", State.ASSIGNED, "accept", 403),
    ("officer", State.IN_PROGRESS, "accept", 409),
    ("receptionist", State.SUBMITTED, "no-such-step", 404),
    ("officer", State.IN_PROGRESS, "answer", 400),  # no answer text
])
def test_a_refused_form_on_the_case_page_changes_nothing(client, world, who, state, name, status):
    case = case_in(world, state)
    client.force_login(getattr(world, who))
    before = trace()
    response = client.post(f"/staff/cases/{case.pk}/transitions/{name}/", {})
    assert response.status_code == status
    assert trace() == before


def test_an_anonymous_post_to_a_case_page_form_changes_nothing(client, world):
    case = case_in(world, State.ASSIGNED)
    before = trace()
    assert client.post(f"/staff/cases/{case.pk}/transitions/accept/", {}).status_code == 302  # to sign-in
    assert trace() == before


# --- the submitter --------------------------------------------------------------------------------

def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 100, 50)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "them.jpg"
    return buffer


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(("state", "action", "key", "status"), [
    (State.NEEDS_INFO, "provide_info", "not-the-key", 404),
    (State.NEEDS_INFO, "provide_info", "", 404),
    (State.IN_PROGRESS, "provide_info", "the-key", 409),  # nobody asked
    (State.IN_PROGRESS, "rate", "the-key", 409),  # no answer yet
    (State.ANSWERED, "withdraw", "the-key", 409),
    (State.NEEDS_INFO, "no_such_action", "the-key", 404),
])
def test_a_refused_citizen_action_changes_nothing_and_keeps_no_photo(client, world, media, state, action, key,
                                                                       status):
    case = case_in(world, state, key="the-key")
    code = case.submissions.get().tracking_code
    before = trace(media)
    response = client.post(f"/api/v1/feedback/{code}/actions/{action}/",
                           {"key": key, "message": "Ảnh đây", "rating": "satisfied", "photos": [jpeg()]})
    assert response.status_code == status
    assert set(response.json()) == {"message", "code", "fields"}
    assert trace(media) == before


def test_a_refusal_on_another_submitters_case_changes_neither_case(client, world, media):
    mine = make_submission(category=world.category, key="my-key")
    theirs = new_case(world, key="their-key")
    code = theirs.submissions.get().tracking_code
    before = trace(media)
    response = client.post(f"/api/v1/feedback/{code}/actions/withdraw/", {"key": "my-key"})
    assert response.status_code == 404
    assert trace(media) == before and mine.case.state == State.SUBMITTED
