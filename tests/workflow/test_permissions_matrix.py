"""Every staff endpoint against the whole cast: who gets 200, 401, 403 or 404.

The cases belong to the department (so-xd); the outsider works at the other department, the
province supervisor at the root of the tree; ``nobody`` has an account but no role.
"""
import pytest
from rest_framework.test import APIClient

from tests.workflow.builders import act, case_in, new_case  # noqa: F401
from workflow import visibility
from workflow.models import Case, State

CAST = ("anonymous", "nobody", "receptionist", "officer", "supervisor", "province_supervisor", "outsider")


def _expect(anonymous, nobody, receptionist, officer, supervisor, province_supervisor, outsider):
    return dict(zip(CAST, (anonymous, nobody, receptionist, officer, supervisor, province_supervisor, outsider)))


def _department_case(world, state):
    return case_in(world, state)


# (endpoint id, method, how to build the URL and body, expected status per person)
MATRIX = [
    ("me", "get", lambda w: ("/api/v1/me/", None), _expect(401, 200, 200, 200, 200, 200, 200)),
    ("agencies", "get", lambda w: ("/api/v1/agencies/", None), _expect(200, 200, 200, 200, 200, 200, 200)),
    ("case list", "get", lambda w: ("/api/v1/cases/", None), _expect(401, 403, 200, 200, 200, 200, 200)),
    ("case detail", "get", lambda w: (f"/api/v1/cases/{_department_case(w, State.IN_PROGRESS).pk}/", None),
     _expect(401, 403, 200, 200, 200, 200, 404)),
    # The province supervisor sees cases still at reception but may not route them.
    ("case at reception", "get", lambda w: (f"/api/v1/cases/{new_case(w).pk}/", None),
     _expect(401, 403, 200, 404, 404, 200, 404)),
    ("route", "post", lambda w: (f"/api/v1/cases/{new_case(w).pk}/transitions/route/", {"agency": "so-xd"}),
     _expect(401, 403, 200, 404, 404, 403, 404)),
    ("route a visible case", "post",
     lambda w: (f"/api/v1/cases/{_department_case(w, State.ASSIGNED).pk}/transitions/route/", {"agency": "so-yt"}),
     _expect(401, 403, 409, 403, 403, 403, 404)),
    ("accept", "post", lambda w: (f"/api/v1/cases/{_department_case(w, State.ASSIGNED).pk}/transitions/accept/", {}),
     _expect(401, 403, 403, 200, 200, 200, 404)),
    ("transfer", "post",
     lambda w: (f"/api/v1/cases/{_department_case(w, State.IN_PROGRESS).pk}/transitions/transfer/",
                {"agency": "so-yt", "reason": "Thuộc ngành y tế"}),
     _expect(401, 403, 200, 403, 200, 200, 404)),
    ("approve", "post",
     lambda w: (f"/api/v1/cases/{_department_case(w, State.PENDING_APPROVAL).pk}/transitions/approve/", {}),
     _expect(401, 403, 403, 403, 200, 200, 404)),
    ("close", "post", lambda w: (f"/api/v1/cases/{_department_case(w, State.ANSWERED).pk}/transitions/close/", {}),
     _expect(401, 403, 200, 403, 200, 200, 404)),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("endpoint", "method", "build", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_endpoint_answers_each_person_as_their_role_allows(world, endpoint, method, build, expected, who):
    url, body = build(world)
    client = APIClient()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    response = getattr(client, method)(url, body, format="json") if method == "post" else client.get(url)
    assert response.status_code == expected[who], response.content


@pytest.mark.parametrize("who", CAST[1:])
def test_visible_cases_agrees_with_can_see_for_every_case(world, who):
    cases = [new_case(world), case_in(world, State.IN_PROGRESS), case_in(world, State.ASSIGNED, agency=world.other),
             case_in(world, State.ANSWERED)]
    actor = act(getattr(world, who))
    visible = set(visibility.visible_cases(actor).values_list("pk", flat=True))
    for case in Case.objects.select_related("agency").filter(pk__in=[c.pk for c in cases]):
        assert (case.pk in visible) == (visibility.can_see(case, actor) and actor.is_staff_member), who
