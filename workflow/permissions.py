"""Who may take which transition, as pure functions of (case, actor).

django-fsm calls these as ``permission(instance, user)``; the "user" passed is a
``workflow.actors.Actor``. Reception routes and judges intake; the agency's people handle; a
supervisor's reach is their agency's subtree (a province supervisor's is everything); the citizen
acts on their own case only. Superusers may do anything an administrator would need to repair.
Who may *see* a case is another rule, with its own home: ``workflow.visibility``.
"""
from workflow.actors import SYSTEM


def can_receive(case, actor):
    return actor.is_superuser or actor.is_reception


def is_handling_officer(case, actor):
    return actor.is_superuser or actor.works_at(case.agency_id) or actor.supervises(case.agency)


def is_supervisor_of_case(case, actor):
    return actor.is_superuser or actor.supervises(case.agency)


def can_request_info(case, actor):
    if case.state == "submitted":
        return can_receive(case, actor)
    return is_handling_officer(case, actor)


def can_provide_info(case, actor):
    if actor.is_citizen_of(case):
        return True
    # Staff record information the citizen gave by phone or at the counter.
    if case.resume_state == "in_progress":
        return is_handling_officer(case, actor)
    return can_receive(case, actor)


def can_transfer(case, actor):
    return can_receive(case, actor) or is_supervisor_of_case(case, actor)


def can_reopen(case, actor):
    return actor.is_citizen_of(case) or is_supervisor_of_case(case, actor)


def can_close(case, actor):
    return actor.kind == SYSTEM or actor.is_citizen_of(case) or can_receive(case, actor) \
        or is_supervisor_of_case(case, actor)


def can_withdraw(case, actor):
    return actor.is_citizen_of(case) or can_receive(case, actor)
