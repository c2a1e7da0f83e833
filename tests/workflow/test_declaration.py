"""The transition declaration (``workflow.transitions``) agrees with the model, the services and
everything that reads it: a transition added, renamed or dropped in one place and not the others
fails here."""
import inspect

import pytest
from django.template.loader import get_template

from feedback.forms import ACTION_FORMS
from feedback.services import CITIZEN_ACTIONS
from notifications.rules import CITIZEN, RULES
from workflow import transitions
from workflow.models import Case
from workflow.perform import service_of
from workflow.transitions import AGENCY, RECEPTION, SUPERVISORS, TRANSITIONS


def _fsm_methods():
    return {t.name for t in Case._meta.get_field("state").get_all_transitions(Case)}


def test_every_state_machine_method_is_declared_once_and_every_declaration_has_its_method():
    declared = [t.method for t in TRANSITIONS.values()]
    assert len(declared) == len(set(declared))
    assert set(declared) == _fsm_methods()


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_transition_has_its_service_taking_exactly_the_declared_fields(name):
    spec = TRANSITIONS[name]
    parameters = inspect.signature(service_of(name)).parameters
    inputs = {p for p in parameters if p not in ("case", "actor", "now")}
    declared = {f.name for f in spec.fields} | ({"photos"} if spec.takes_photos else set())
    assert inputs == declared
    required = {p for p, param in parameters.items() if param.default is inspect.Parameter.empty}
    assert required - {"case", "actor"} == {f.name for f in spec.fields if f.required}


def test_every_event_has_a_label_for_officials_and_for_citizens():
    for event in transitions.EVENTS.values():
        assert str(event.label) and str(event.public_label), event.name


def test_the_submitter_actions_are_those_the_declarations_name():
    declared = {t.citizen_action for t in TRANSITIONS.values() if t.citizen_action}
    assert declared == set(CITIZEN_ACTIONS) == set(ACTION_FORMS)


def test_every_notice_names_an_audience_and_citizens_have_templates_for_it():
    for name, notices in RULES.items():
        for notice in notices:
            assert notice.audience in (CITIZEN, AGENCY, RECEPTION, SUPERVISORS), name
            if notice.audience == CITIZEN:
                for language in ("vi", "en"):
                    for template in (f"email/{language}/{notice.kind}_subject.txt", f"email/{language}/{notice.kind}.txt",
                                     f"email/{language}/{notice.kind}.html", f"sms/{language}/{notice.kind}.txt"):
                        get_template(f"notifications/{template}")


def test_button_order_is_the_declaration_order():
    assert transitions.in_button_order(["withdraw", "accept", "route"]) == ["route", "accept", "withdraw"]
