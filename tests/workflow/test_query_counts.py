"""A page of 50 cases costs the same queries as a page of 5; a long timeline costs no more than a short one."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import make_submission
from tests.workflow.builders import act, case_in, new_case  # noqa: F401
from workflow import selectors, services
from workflow.models import State

# Session, user, memberships, count, page, submissions: what a list request needs at most.
LIST_QUERY_BUDGET = 6


def add_cases(world, count):
    """A mix the list must show: at reception, routed, in progress with an extension asked, answered."""
    reception, officer = act(world.receptionist), act(world.officer)
    for index in range(count):
        case = new_case(world)
        make_submission(category=world.category, case=case)  # a second submission merged in
        if index % 4 == 0:
            continue
        services.case_route(case=case, actor=reception, agency=world.department)
        if index % 4 == 1:
            continue
        services.case_accept(case=case, actor=officer)
        if index % 4 == 2:
            services.case_request_extension(case=case, actor=officer, days=2, reason="Chờ vật tư")
            continue
        services.case_answer(case=case, actor=officer, answer="Đã xử lý.")


def list_queries(user):
    client = APIClient()
    client.force_login(user)
    client.get("/api/v1/cases/")  # warm-up: the working calendar is built once per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("who", ["receptionist", "officer", "supervisor", "province_supervisor"])
def test_case_list_costs_the_same_for_5_and_50_cases(world, who):
    add_cases(world, 5)
    few, shown_few = list_queries(getattr(world, who))
    add_cases(world, 45)
    many, shown_many = list_queries(getattr(world, who))

    assert shown_many > shown_few > 0
    assert many == few
    assert many <= LIST_QUERY_BUDGET


def test_selector_list_with_transitions_runs_no_query_per_case(world):
    add_cases(world, 12)
    actor = act(world.supervisor)
    cases = list(selectors.case_list(actor=actor))
    with CaptureQueriesContext(connection) as queries:
        for case in cases:
            selectors.available_transitions(case, actor)
            [s.tracking_code for s in case.submissions.all()]
            case.agency and case.agency.name, case.category.name, case.ward and case.ward.name
    assert len(queries) == 0


def detail_queries(user, case):
    client = APIClient()
    client.force_login(user)
    client.get(f"/api/v1/cases/{case.pk}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    return len(queries)


def test_case_detail_costs_the_same_for_a_short_and_a_long_timeline(world):
    short = case_in(world, State.ASSIGNED)
    long = case_in(world, State.IN_PROGRESS)
    for _ in range(3):
        make_submission(category=world.category, case=long)
    services.case_request_info(case=long, actor=act(world.officer), message="Cần ảnh")
    services.case_provide_info(case=long, actor=act(world.officer), message="Đã có ảnh")
    services.case_request_extension(case=long, actor=act(world.officer), days=2, reason="Chờ vật tư")
    services.case_grant_extension(case=long, actor=act(world.supervisor))

    assert detail_queries(world.officer, short) == detail_queries(world.officer, long)
