"""The staff list works out each case's transitions once per distinct set of inputs: the same
answer as asking case by case, for every role, and no condition left out of the inputs."""
import pytest

from tests.workflow.builders import act, case_in, superuser_actor
from tests.workflow.test_query_counts import add_cases
from workflow import selectors
from workflow.models import Case, State


def test_every_condition_of_the_state_machine_is_among_the_inputs():
    used = {condition.__name__ for transition in Case._meta.get_field("state").get_all_transitions(Case)
            for condition in transition.conditions}
    assert used <= set(selectors.TRANSITION_CONDITIONS)


@pytest.mark.parametrize("who", ["receptionist", "officer", "supervisor", "province_supervisor", "outsider"])
def test_transitions_by_page_equal_those_asked_case_by_case(world, who):
    add_cases(world, 12)
    for state in (State.NEEDS_INFO, State.CLOSED, State.REJECTED, State.PENDING_APPROVAL):
        case_in(world, state)
    case_in(world, State.ASSIGNED, agency=world.other)
    actor = act(getattr(world, who))
    cases = list(selectors.case_list(actor=superuser_actor(world.receptionist)))
    by_page = selectors.available_transitions_by_case(cases, actor)
    assert by_page == {case.pk: selectors.available_transitions(case, actor) for case in cases}
    assert any(by_page.values())
