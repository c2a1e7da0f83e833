"""Who sees which case: one rule (``workflow.visibility``) and the four places that apply it.

For every role over a set of cases, the queryset filter (``visible_cases``), the object check
(``can_see``), the metrics scope (over cases, and over submissions through ``case__``) and the
live-update groups (an inbox socket hears of a case exactly when it may see it) must give the
same answer, and that answer must be the product's rule.
"""
import pytest

from core.errors import PermissionDenied
from metrics.scope import case_scope
from notifications.groups import groups_for_actor, groups_for_case
from tests.factories import AgencyFactory, UserFactory, member
from tests.workflow.builders import act, case_in, new_case
from workflow import services, visibility
from workflow.models import Case, Role, State, Submission

ROLES = ("receptionist", "officer", "supervisor", "province_supervisor", "superuser", "outsider", "nobody")
EVERY_CASE = {"at_reception", "department", "team", "other", "merged_at_department", "rejected", "answered"}
DEPARTMENT = {"department", "merged_at_department", "answered"}
EXPECTED = {
    "receptionist": EVERY_CASE,
    "province_supervisor": EVERY_CASE,
    "superuser": EVERY_CASE,
    "officer": DEPARTMENT,
    "supervisor": DEPARTMENT | {"team"},  # the department's subtree
    "outsider": {"other"},
    "nobody": set(),
}


@pytest.fixture
def cases(world):
    """Cases at reception, at each agency, inside the department's subtree, merged and ended."""
    team = AgencyFactory(code="so-xd-phong-ha-tang", name_vi="Phòng Hạ tầng", parent=world.department)
    member("xuly-phong", team, Role.OFFICER)
    merged = case_in(world, State.IN_PROGRESS)
    services.case_merge(case=merged, actor=act(world.receptionist), into=new_case(world))
    made = {
        "at_reception": new_case(world),
        "department": case_in(world, State.IN_PROGRESS),
        "team": case_in(world, State.ASSIGNED, agency=team),
        "other": case_in(world, State.ASSIGNED, agency=world.other),
        "merged_at_department": merged,
        "rejected": case_in(world, State.REJECTED),
        "answered": case_in(world, State.ANSWERED),
    }
    by_pk = Case.objects.select_related("agency").in_bulk([case.pk for case in made.values()])
    return {name: by_pk[case.pk] for name, case in made.items()}


def _actor(world, role):
    if role == "superuser":
        return act(UserFactory(username="quantri", is_superuser=True))
    return act(getattr(world, role))


def _seen_by_queryset(actor, cases):
    visible = set(visibility.visible_cases(actor).values_list("pk", flat=True))
    return {name for name, case in cases.items() if case.pk in visible}


def _seen_by_object_check(actor, cases):
    return {name for name, case in cases.items() if visibility.can_see(case, actor)}


def _seen_by_metrics(actor, cases):
    try:
        by_case = set(Case.objects.filter(case_scope(actor)).values_list("pk", flat=True))
        by_submission = set(Submission.objects.filter(case_scope(actor, "case__")).values_list("case_id", flat=True))
    except PermissionDenied:  # metrics refuse someone without a role outright: they see nothing
        return set()
    seen = {name for name, case in cases.items() if case.pk in by_case}
    # Through submissions, the merged case's own submission now follows its survivor.
    assert seen - {"merged_at_department"} == {name for name, case in cases.items() if case.pk in by_submission}
    return seen


def _heard_live(actor, cases):
    listening = set(groups_for_actor(actor))
    return {name for name, case in cases.items() if listening & set(groups_for_case(case))}


@pytest.mark.parametrize("role", ROLES)
def test_every_reading_of_who_sees_what_agrees_with_the_rule(world, cases, role):
    actor = _actor(world, role)
    assert _seen_by_queryset(actor, cases) == EXPECTED[role]
    assert _seen_by_object_check(actor, cases) == EXPECTED[role]
    assert _seen_by_metrics(actor, cases) == EXPECTED[role]
    assert _heard_live(actor, cases) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_agencies_within_reach_are_those_whose_cases_the_actor_sees(world, cases, role):
    actor = _actor(world, role)
    agencies = set(visibility.visible_agencies(actor, active_only=False).values_list("pk", flat=True))
    with_an_agency = {name for name, case in cases.items() if case.agency_id is not None}
    assert {name for name in with_an_agency if cases[name].agency_id in agencies} == EXPECTED[role] & with_an_agency


def test_a_citizen_sees_no_case_through_the_staff_reads(world, cases):
    from workflow.actors import citizen_actor

    citizen = citizen_actor(cases["department"].pk)
    assert not visibility.visible_cases(citizen).exists()
    assert not visibility.can_see(cases["department"], citizen)


@pytest.mark.parametrize("role", ROLES)
def test_staff_figures_count_exactly_what_the_actor_sees(world, cases, role):
    actor = _actor(world, role)
    counted = set(Case.objects.filter(visibility.figures_filter(actor)).values_list("pk", flat=True))
    assert {name for name, case in cases.items() if case.pk in counted} == EXPECTED[role]
    assert set(visibility.figure_agencies(actor, active_only=False)) == set(visibility.visible_agencies(actor, active_only=False))


def test_the_publics_figures_count_every_case_yet_it_opens_and_lists_none(world, cases):
    from datetime import date, timedelta

    from django.utils import timezone

    from metrics import exports, selectors
    from metrics.scope import MetricsFilter
    from workflow.actors import PUBLIC_ACTOR

    counted = set(Case.objects.filter(case_scope(PUBLIC_ACTOR)).values_list("pk", flat=True))
    assert {name for name, case in cases.items() if case.pk in counted} == EVERY_CASE
    assert not visibility.visible_cases(PUBLIC_ACTOR).exists()
    assert not any(visibility.can_see(case, PUBLIC_ACTOR) for case in cases.values())
    assert visibility.audiences_of_actor(PUBLIC_ACTOR) == set()
    # Reads that return cases rather than counts list nothing for the public.
    whole_history = MetricsFilter(date_from=date(2000, 1, 1), date_to=date(2100, 1, 1))
    assert selectors.cases_submitted_in(filters=whole_history, actor=PUBLIC_ACTOR).count() == Case.objects.count()
    assert list(selectors.listed(selectors.cases_submitted_in(filters=whole_history, actor=PUBLIC_ACTOR),
                                 actor=PUBLIC_ACTOR)) == []
    assert list(exports.case_rows(filters=whole_history, actor=PUBLIC_ACTOR)) == []
    years_later = timezone.now() + timedelta(days=800)  # every open case is overdue by then
    assert selectors.overdue_cases(filters=whole_history, actor=actors_who_see_all(world), now=years_later)
    assert list(selectors.overdue_cases(filters=whole_history, actor=PUBLIC_ACTOR, now=years_later)) == []


def actors_who_see_all(world):
    return act(world.receptionist)
