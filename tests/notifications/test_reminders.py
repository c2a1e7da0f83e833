"""Deadline reminders at 75% of a step's working time and at the deadline, with escalation."""
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command

from notifications.models import Notification
from tests.factories import make_submission
from workflow.actors import staff_actor
from workflow.models import Case
from workflow.reminders import cases_send_deadline_reminders
from workflow.services import case_accept, case_route
from workflow.signals import deadline_reached
from workflow.working_time import LOCAL_TZ

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, an ordinary working week. Reception has 8 working hours: submitted at
# 08:00 the deadline is Tuesday 08:30; 75% is used (2 hours left) at Monday 16:00.
SUBMITTED = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def case(world):
    return make_submission(category=world.category, submitted_at=SUBMITTED).case


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a reminder pass at a moment; returns its counts and the stages signalled after commit."""
    stages = []

    def listen(sender, case, stage, **kwargs):
        stages.append((case.pk, stage))
    deadline_reached.connect(listen)

    def run(moment):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return cases_send_deadline_reminders()
    run.stages = stages
    yield run
    deadline_reached.disconnect(listen)


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_no_reminder_before_75_percent_of_the_working_time(case, sent):
    assert sent(at(2, 15, 59))["reminded"] == 0
    assert Case.objects.get(pk=case.pk).reminder_stage == 0
    assert sent.stages == []


def test_reminder_at_75_percent_goes_to_reception_once(world, case, sent):
    assert sent(at(2, 16, 1)) == {"reminded": 1, "escalated": 0, "reset": 0}
    assert sent(at(2, 16, 30)) == {"reminded": 0, "escalated": 0, "reset": 0}
    assert Case.objects.get(pk=case.pk).reminder_stage == 75
    assert sent.stages == [(case.pk, 75)]
    assert _kinds(world.receptionist) == ["reminder"]
    assert _kinds(world.province_supervisor) == []


def test_lunch_and_night_do_not_count_toward_the_75_percent(case, sent):
    # Monday 11:59 looks late in the day, but only 3.5 of 8 working hours are used.
    assert sent(at(2, 11, 59))["reminded"] == 0


def test_at_the_deadline_the_case_is_escalated_to_the_supervisors_above_reception(world, case, sent):
    sent(at(2, 16, 1))
    assert sent(at(3, 8, 31)) == {"reminded": 0, "escalated": 1, "reset": 0}
    case.refresh_from_db()
    assert (case.reminder_stage, case.escalated_at) == (100, at(3, 8, 31))
    assert case.state == "submitted" and case.version == 0  # not a transition
    assert _kinds(world.province_supervisor) == ["escalated"]
    assert _kinds(world.receptionist) == ["overdue", "reminder"]
    assert sent(at(3, 9, 0))["escalated"] == 0


def test_a_pass_that_finds_the_deadline_already_gone_escalates_without_the_75_percent_reminder(world, case, sent):
    assert sent(at(4, 9, 0)) == {"reminded": 0, "escalated": 1, "reset": 0}
    assert sent.stages == [(case.pk, 100)]


def test_a_new_step_gets_its_own_reminders_and_goes_to_the_agency(world, case, sent,
                                                                  django_capture_on_commit_callbacks):
    sent(at(2, 16, 1))  # 75% of the reception step
    # Notifications are rendered once the change commits.
    with time_machine.travel(at(2, 16, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department)
        case_accept(case=case, actor=staff_actor(world.officer))
    # The stale stage is cleared; handling has 5 working days (37.5 h): due Monday 9 March 16:10,
    # with 25% (9.375 h) left on Friday 6 March at 14:17:30.
    assert sent(at(2, 16, 15)) == {"reminded": 0, "escalated": 0, "reset": 1}
    assert sent(at(6, 14, 15))["reminded"] == 0
    assert sent(at(6, 14, 20))["reminded"] == 1
    assert _kinds(world.officer) == ["assigned", "reminder"]
    assert _kinds(world.outsider) == []
    assert sent(at(9, 16, 11))["escalated"] == 1
    assert "escalated" in _kinds(world.supervisor) and "escalated" in _kinds(world.province_supervisor)
    assert "overdue" in _kinds(world.officer)
    assert "escalated" not in _kinds(world.outsider)


def test_two_passes_at_once_send_the_reminder_once(world, case, django_capture_on_commit_callbacks):
    from workflow.reminders import case_set_reminder_stage

    with time_machine.travel(at(2, 16, 1), tick=False):
        first = Case.objects.get(pk=case.pk)
        second = Case.objects.get(pk=case.pk)
        assert case_set_reminder_stage(case=first, stage=75, now=at(2, 16, 1)) is True
        assert case_set_reminder_stage(case=second, stage=75, now=at(2, 16, 1)) is False


def test_the_command_runs_a_pass(case, capsys):
    with time_machine.travel(at(2, 16, 1), tick=False):
        call_command("send_deadline_reminders")
    assert "1 at 75%" in capsys.readouterr().out
