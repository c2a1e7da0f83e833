"""Deadlines in working time: the paused clock, the one extension, the reopen, return and rating windows.

Time is frozen in a plain working week of March 2026 (Monday the 9th to Friday the 13th, office
hours 07:30–11:30 and 13:30–17:00, 7.5 working hours a day).
"""
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from core.errors import Conflict, ValidationFailed
from tests.workflow.builders import act, at, case_in, new_case, reload  # noqa: F401
from workflow import deadlines, selectors, services
from workflow.actors import citizen_actor
from workflow.models import CaseEvent, DeadlinePolicy, Priority, State


def travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def one_day_reception(world):
    DeadlinePolicy.objects.create(category=None, priority=Priority.NORMAL, reception_hours=Decimal("7.5"),
                                  handling_hours=Decimal("37.5"), return_hours=Decimal("7.5"))


def routed_on_monday(world):
    with travel(at(9, 10)):
        case = new_case(world)
        services.case_route(case=case, actor=act(world.receptionist), agency=world.department)
        services.case_accept(case=case, actor=act(world.officer))
    return reload(case)


# --- the clock stops while the citizen is asked for more ------------------------------------------

def test_needs_info_pauses_the_reception_clock_and_resumes_with_the_time_left(world, one_day_reception):
    with travel(at(9, 10)):
        case = new_case(world)
        assert reload(case).due_at == at(10, 10)  # Tuesday 10:00
        case = services.case_request_info(case=case, actor=act(world.receptionist), message="Cần ảnh rõ hơn")
    assert case.due_at is None
    assert case.paused_remaining_seconds == int(7.5 * 3600)

    with travel(at(12, 10)):  # Thursday 10:00
        case = services.case_provide_info(case=case, actor=citizen_actor(case.pk), message="Ảnh mới")
    assert case.state == State.SUBMITTED
    assert case.due_at == at(13, 10)  # Friday 10:00: the full working day that was left
    assert case.reception_due_at == at(13, 10)


def test_needs_info_pauses_the_handling_clock_of_the_agency(world, one_day_reception):
    case = routed_on_monday(world)
    assert case.handling_due_at == at(16, 10)  # five working days
    with travel(at(11, 10)):  # Wednesday: three working days left
        services.case_request_info(case=case, actor=act(world.officer), message="Cần địa chỉ chính xác")
    with travel(at(16, 10)):  # answered the next Monday
        case = services.case_provide_info(case=case, actor=act(world.officer), message="Số 12 Lý Thái Tổ")
    assert case.state == State.IN_PROGRESS
    assert case.handling_due_at == at(19, 10)
    assert case.due_at == at(19, 10)


def test_a_paused_case_is_never_overdue(world, one_day_reception):
    with travel(at(9, 10)):
        case = new_case(world)
        services.case_request_info(case=case, actor=act(world.receptionist), message="Cần ảnh rõ hơn")
    with travel(at(12, 10)):
        assert not selectors.case_list(actor=act(world.receptionist), overdue=True).filter(pk=case.pk).exists()
        assert selectors.time_left_seconds(reload(case)) is None


# --- time left and overdue ---------------------------------------------------------------------------

def test_time_left_counts_working_seconds_and_turns_negative_when_overdue(world):
    with travel(at(9, 10)):
        case = new_case(world)  # reception: 8 working hours → Tuesday 10:30
        assert selectors.time_left_seconds(reload(case)) == 8 * 3600
    assert reload(case).due_at == at(10, 10, 30)
    assert selectors.time_left_seconds(reload(case), now=at(10, 13, 30)) == -3600  # lunch does not count
    assert deadlines.is_overdue(reload(case), now=at(10, 13, 30))
    assert not deadlines.is_overdue(reload(case), now=at(10, 10, 0))


def test_time_left_for_a_page_matches_the_time_left_of_each_case(world):
    cases = []
    for day, hour in [(2, 8), (2, 8), (3, 14), (9, 10), (10, 16), (11, 9)]:
        with travel(at(day, hour)):
            cases.append(new_case(world))
    cases = [reload(c) for c in cases]
    services.case_request_info(case=cases[-1], actor=act(world.receptionist), message="Cần ảnh")
    cases[-1] = reload(cases[-1])
    now = at(10, 14, 15)

    page = selectors.time_left_by_case(cases, now)

    assert page == {c.pk: selectors.time_left_seconds(c, now) for c in cases}
    assert page[cases[-1].pk] is None
    assert page[cases[0].pk] < page[cases[2].pk] < 0 < page[cases[4].pk]


def test_overdue_filter_and_queue_list_only_open_cases_past_their_deadline(world):
    with travel(at(9, 10)):
        late = new_case(world)
    with travel(at(10, 10)):
        fresh = new_case(world)
    with travel(at(10, 11)):
        reception = act(world.receptionist)
        assert list(selectors.case_list(actor=reception, overdue=True)) == [late]
        assert list(selectors.case_list(actor=reception, queue="overdue")) == [late]
        assert list(selectors.case_list(actor=reception, overdue=False)) == [fresh]


def test_overdue_in_sql_and_in_python_agree_for_every_state_and_deadline(world):
    """``deadlines.overdue_q`` (selectors, metrics) and ``deadlines.is_overdue`` (pages, API,
    reminders) are one definition: they must agree on every case."""
    from workflow.models import Case

    now = at(10, 11)
    # pending_approval last: building it makes the department's answers need approval.
    for state in sorted(State.values, key=lambda s: s == State.PENDING_APPROVAL):
        case_in(world, state)
    cases = list(Case.objects.all())
    for due_at in (None, at(10, 10), now, at(10, 12)):
        Case.objects.update(due_at=due_at)
        in_sql = set(Case.objects.filter(deadlines.overdue_q(now)).values_list("pk", flat=True))
        in_python = {case.pk for case in Case.objects.all() if deadlines.is_overdue(case, now)}
        assert in_sql == in_python, due_at
    assert len(cases) >= len(State.values)


def test_a_working_day_lasts_as_long_as_the_office_hours_make_it(settings):
    from workflow.working_time import working_day_hours

    assert working_day_hours() == Decimal("7.5")
    assert deadlines.default_limits(Priority.NORMAL).handling_hours == Decimal("37.5")
    settings.PAKN_OFFICE_HOURS = "08:00-12:00,13:00-17:00"
    assert working_day_hours() == 8
    limits = deadlines.default_limits(Priority.NORMAL)
    assert (limits.handling_hours, limits.return_hours) == (40, 8)
    assert deadlines.default_limits(Priority.COMPLEX).handling_hours == 120
    assert deadlines.default_limits(Priority.URGENT).handling_hours == 4
    assert DeadlinePolicy().handling_hours == 40  # a new policy starts from the same default


# --- the one extension ---------------------------------------------------------------------------------

def test_granted_extension_moves_the_handling_deadline_by_working_days(world):
    case = routed_on_monday(world)
    with travel(at(11, 9)):
        case = services.case_request_extension(case=case, actor=act(world.officer), days=3, reason="Chờ vật tư")
        assert case.handling_due_at == at(16, 10)  # a request alone changes nothing
        case = services.case_grant_extension(case=case, actor=act(world.supervisor))
    assert case.extension_granted_days == 3
    assert case.handling_due_at == at(19, 10)
    assert case.due_at == at(19, 10)


def test_extension_is_requested_only_once(world):
    case = routed_on_monday(world)
    services.case_request_extension(case=case, actor=act(world.officer), days=3, reason="Chờ vật tư")
    with pytest.raises(Conflict):
        services.case_request_extension(case=case, actor=act(world.officer), days=2, reason="Thêm lần nữa")
    services.case_grant_extension(case=case, actor=act(world.supervisor))
    with pytest.raises(Conflict):
        services.case_request_extension(case=case, actor=act(world.officer), days=2, reason="Thêm lần nữa")
    with pytest.raises(Conflict):
        services.case_grant_extension(case=case, actor=act(world.supervisor))


def test_extension_queue_shows_pending_requests_to_the_supervisor_only(world):
    case = routed_on_monday(world)
    services.case_request_extension(case=case, actor=act(world.officer), days=3, reason="Chờ vật tư")
    assert list(selectors.case_list(actor=act(world.supervisor), queue="extensions")) == [case]
    assert list(selectors.case_list(actor=act(world.province_supervisor), queue="extensions")) == [case]
    assert list(selectors.case_list(actor=act(world.officer), queue="extensions")) == []


# --- the return window -------------------------------------------------------------------------------

def test_return_is_allowed_within_one_working_day_and_refused_after(world):
    with travel(at(9, 10)):
        early, late = new_case(world), new_case(world)
        for case in (early, late):
            services.case_route(case=case, actor=act(world.receptionist), agency=world.department)
    assert reload(late).return_due_at == at(10, 10)

    with travel(at(10, 9, 59)):
        assert "return" in selectors.available_transitions(reload(early), act(world.officer))
        assert services.case_return(case=early, actor=act(world.officer), reason="Không thuộc sở").state \
            == State.SUBMITTED
    with travel(at(10, 10, 1)):
        assert "return" not in selectors.available_transitions(reload(late), act(world.officer))
        with pytest.raises(Conflict):
            services.case_return(case=late, actor=act(world.officer), reason="Không thuộc sở")
    assert reload(late).state == State.ASSIGNED


# --- reopening and closing -------------------------------------------------------------------------

def answered_on_monday(world):
    case = routed_on_monday(world)
    with travel(at(9, 11)):
        return services.case_answer(case=case, actor=act(world.officer), answer="Đã thay bóng đèn.")


def test_reopen_is_allowed_once_within_the_rating_window(world):
    case = answered_on_monday(world)
    with travel(at(10, 9)):
        case = services.case_reopen(case=case, actor=act(world.supervisor), reason="Đèn lại hỏng")
        assert case.state == State.IN_PROGRESS
        assert case.handling_due_at == at(17, 9)
        case = services.case_answer(case=case, actor=act(world.officer), answer="Đã thay cả bộ đèn.")
        with pytest.raises(Conflict):
            services.case_reopen(case=case, actor=act(world.supervisor), reason="Vẫn hỏng")
    assert reload(case).state == State.ANSWERED


def test_reopen_is_refused_after_the_rating_window(world, settings):
    settings.PAKN_RATING_WINDOW_DAYS = 7
    case = answered_on_monday(world)
    with travel(at(16, 11, 1)):
        with pytest.raises(Conflict):
            services.case_reopen(case=case, actor=act(world.supervisor), reason="Quá hạn")


def test_dissatisfied_citizen_reopens_once_then_the_rating_closes(world):
    case = answered_on_monday(world)
    citizen = citizen_actor(case.pk, device_class="mobile")
    with travel(at(10, 9)):
        case = services.case_rate(case=case, actor=citizen, rating="dissatisfied", comment="Vẫn tối")
        assert case.state == State.IN_PROGRESS
        case = services.case_answer(case=case, actor=act(world.officer), answer="Đã thay cả bộ đèn.")
        case = services.case_rate(case=case, actor=citizen, rating="dissatisfied", comment="Vẫn chưa ổn")
    assert case.state == State.CLOSED
    assert case.rating == "dissatisfied"


def test_close_expired_cases_closes_answered_cases_after_the_rating_window(world, settings):
    settings.PAKN_RATING_WINDOW_DAYS = 7
    expired = answered_on_monday(world)
    with travel(at(12, 10)):
        recent = services.case_answer(case=case_in(world, State.IN_PROGRESS), actor=act(world.officer),
                                      answer="Đã xử lý.")
    out = StringIO()
    with travel(at(16, 11, 1)):
        call_command("close_expired_cases", stdout=out)

    assert "Closed 1 " in out.getvalue()
    assert reload(expired).state == State.CLOSED
    assert reload(recent).state == State.ANSWERED
    event = CaseEvent.objects.filter(case=expired).last()
    assert (event.transition, event.actor_kind, event.actor) == ("close", "system", None)


def test_close_expired_cases_with_nothing_to_close_closes_nothing(world):
    answered_on_monday(world)
    out = StringIO()
    with travel(at(10, 10)):
        call_command("close_expired_cases", stdout=out)
    assert "Closed 0" in out.getvalue()


def test_a_rating_comment_over_the_limit_is_refused_by_its_field_and_the_case_stays_answered(world):
    case = answered_on_monday(world)
    citizen = citizen_actor(case.pk, device_class="mobile")
    with travel(at(10, 9)):
        with pytest.raises(ValidationFailed) as refused:
            services.case_rate(case=case, actor=citizen, rating="satisfied", comment="x" * 4001)
    assert set(refused.value.fields) == {"comment"}
    assert reload(case).state == State.ANSWERED and not reload(case).rating
