"""Response and intake times, on-time rate, satisfaction and backlog, with values worked out by hand.

Office hours are 07:30–11:30 and 13:30–17:00 (7.5 working hours a day); 2–6 March 2026 are
ordinary working days (Monday to Friday).
"""
from datetime import date

import pytest
import time_machine

from metrics.scope import MetricsFilter
from metrics.selectors import backlog, summary
from tests.metrics.conftest import local

MARCH = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def answered_five(steps):
    """Five cases submitted Monday 2 March 08:00, routed and accepted at 08:10, answered at:

      1: Mon 09:00 → 1 working hour,   1 calendar hour
      2: Mon 10:00 → 2,                2
      3: Mon 14:00 → 3.5 + 0.5 = 4,    6      (lunch does not count)
      4: Tue 08:00 → 3.5 + 3.5 + 0.5 = 7.5, 24
      5: Wed 08:00 → 15,               48
    plus one rejected at 08:30 (an intake, but no answer) and one left waiting (neither).
    """
    answers = ["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-02 14:00", "2026-03-03 08:00", "2026-03-04 08:00"]
    for answered in answers:
        steps.handle(steps.submit("2026-03-02 08:00"), routed="2026-03-02 08:10", answered=answered)
    steps.reject(steps.submit("2026-03-02 08:00"), "2026-03-02 08:30")
    steps.submit("2026-03-02 08:00")


def test_response_time_median_p90_and_mean_in_working_and_calendar_hours(answered_five, actors):
    result = summary(filters=MARCH, actor=actors.reception)["response_time"]
    # Working: 1, 2, 4, 7.5, 15 → median 4; p90 at position 0.9 × 4 = 3.6 → 7.5 + 0.6 × (15 − 7.5) = 12;
    # mean 29.5 / 5 = 5.9. Calendar: 1, 2, 6, 24, 48 → 6; 24 + 0.6 × 24 = 38.4; 81 / 5 = 16.2.
    assert result == {
        "working_hours": {"median": 4.0, "p90": 12.0, "mean": 5.9},
        "calendar_hours": {"median": 6.0, "p90": 38.4, "mean": 16.2},
        "count": 5, "precision_hours": 0.0,
    }


def test_intake_time_runs_to_reception_first_action(answered_five, actors):
    result = summary(filters=MARCH, actor=actors.reception)["intake_time"]
    # Five routed after 600 s, one rejected after 1800 s: median 600 s = 0.17 h;
    # p90 at 0.9 × 5 = 4.5 → 600 + 0.5 × 1200 = 1200 s = 0.33 h; mean 4800 / 6 = 800 s = 0.22 h.
    assert result["count"] == 6
    assert result["working_hours"] == {"median": 0.17, "p90": 0.33, "mean": 0.22}
    assert result["calendar_hours"] == {"median": 0.17, "p90": 0.33, "mean": 0.22}


def test_times_are_null_when_nothing_was_answered(world, actors):
    result = summary(filters=MARCH, actor=actors.reception)
    assert result["response_time"] == {"working_hours": {"median": None, "p90": None, "mean": None},
                                       "calendar_hours": {"median": None, "p90": None, "mean": None},
                                       "count": 0, "precision_hours": 0.0}
    assert result["on_time"] == {"numerator": 0, "denominator": 0, "rate": None}


@pytest.fixture
def deadlines(steps):
    """Three cases routed Mon 2 March 08:10: the handling deadline is 5 working days later,
    Mon 9 March 08:10.

      X: extension of 3 working days granted Thu 5 March (deadline Thu 12 March 08:10),
         answered Wed 11 March 10:00 → on time thanks to the extension; later rated acceptable.
      Y: no extension, answered Wed 11 March 10:00 → late; rated dissatisfied after the
         7-day rating window (so it closes rather than reopens).
      Z: answered Tue 3 March 10:00 → on time; rated satisfied.
    """
    cases = {}
    for name in "XYZ":
        cases[name] = steps.submit("2026-03-02 08:00")
        steps.route(cases[name], "2026-03-02 08:10")
        steps.accept(cases[name], "2026-03-02 08:10")
    steps.extend(cases["X"], "2026-03-05 09:00", days=3)
    steps.answer(cases["X"], "2026-03-11 10:00")
    steps.answer(cases["Y"], "2026-03-11 10:00")
    steps.answer(cases["Z"], "2026-03-03 10:00")
    steps.rate(cases["Z"], "2026-03-04 10:00", "satisfied")
    steps.rate(cases["X"], "2026-03-12 10:00", "acceptable")
    steps.rate(cases["Y"], "2026-03-25 10:00", "dissatisfied")
    return cases


def test_on_time_counts_the_extended_deadline(deadlines, actors):
    result = summary(filters=MARCH, actor=actors.reception)
    assert result["on_time"] == {"numerator": 2, "denominator": 3, "rate": 0.6667}


def test_satisfaction_is_satisfied_or_acceptable_over_rated(deadlines, actors):
    result = summary(filters=MARCH, actor=actors.reception)
    assert result["satisfaction"] == {"numerator": 2, "denominator": 3, "rate": 0.6667}


@pytest.fixture
def open_cases(steps, world):
    """Seen at Wed 11 March 10:00; 24 working hours later is Mon 16 March 11:00.

      P: submitted Mon 2 March 08:00, untouched: reception deadline Tue 3 March 08:30 → overdue.
      Q: submitted Wed 11 March 09:00: reception deadline Thu 12 March 09:30 → due within 24 h.
      R: submitted and routed (accepted) Wed 11 March 09:30: handling deadline Wed 18 March → later.
      S: submitted Wed 11 March 09:00, information requested: the clock is stopped → only open.
      T: answered → not in the backlog.
    """
    steps.submit("2026-03-02 08:00")
    steps.submit("2026-03-11 09:00")
    r = steps.submit("2026-03-11 09:00")
    steps.route(r, "2026-03-11 09:30")
    steps.accept(r, "2026-03-11 09:30")
    steps.request_info(steps.submit("2026-03-11 09:00"), "2026-03-11 09:15")
    steps.handle(steps.submit("2026-03-11 08:00"), routed="2026-03-11 08:10", answered="2026-03-11 09:00")


def test_backlog_counts_open_overdue_and_due_within_24_working_hours(open_cases, actors):
    with time_machine.travel(local("2026-03-11 10:00"), tick=False):
        result = backlog(filters=MARCH, actor=actors.reception)
    assert result == {"open": 4, "overdue": 1, "due_within_24_working_hours": 1}


def test_backlog_ignores_the_period_but_keeps_the_scope(open_cases, actors):
    january = MetricsFilter(date(2026, 1, 1), date(2026, 1, 31))
    with time_machine.travel(local("2026-03-11 10:00"), tick=False):
        assert backlog(filters=january, actor=actors.reception)["open"] == 4
        # The department's supervisor sees only R, the case routed to the department.
        assert backlog(filters=MARCH, actor=actors.supervisor) == \
            {"open": 1, "overdue": 0, "due_within_24_working_hours": 0}


def test_staff_actions_from_mobile_over_all_staff_actions(steps, world, actors):
    from workflow import services
    from workflow.actors import staff_actor

    first, second = steps.submit("2026-03-02 08:00"), steps.submit("2026-03-02 08:00")
    on_phone = staff_actor(world.receptionist, device_class="mobile")
    with time_machine.travel(local("2026-03-02 09:00"), tick=False):
        services.case_route(case=steps.case(first), actor=on_phone, agency=world.department)
    steps.route(second, "2026-03-02 09:00")
    steps.accept(second, "2026-03-02 09:10")
    # Staff actions: route (mobile), route, accept (unknown device) → 1 / 3; the citizens'
    # submissions are not officials' actions.
    result = summary(filters=MARCH, actor=actors.reception)["mobile_share"]["staff_actions"]
    assert result == {"numerator": 1, "denominator": 3, "rate": 0.3333}
