"""Who hears what: from what happened to a case to the people told about it.

Which transition tells whom is declared with the transition (``workflow.transitions``,
``notices=``), so adding a transition and saying who hears of it is one declaration. What is not
a transition is declared here: a submission's receipt and the deadline reminders.

Audiences
    citizen      every submitter of the case (``case.submissions``) who left an email or phone
                 and did not ask to stay anonymous; each is written to about their own case only.
    agency       officers and supervisors who are members of the agency handling the case.
    reception    reception officers (they route, and take back what agencies return).
    supervisors  supervisors whose subtree contains the case's agency (for a case still at
                 reception: the supervisors above a reception centre).

Staff hear in the app (the bell, pushed live) and, on browsers they subscribed, by Web Push; each
chooses per kind of notice (``StaffNoticeSettings``), and the reminders' pushes wait for office
hours unless they ask otherwise. Citizens hear by email, SMS and Web Push through the outbox, as
they chose on their private page (SMS only when nothing else reaches them, by default).
The person who acted is never told about their own action; someone in two audiences (a supervisor
who is also a member of the agency) hears once, through the first notice listed.

| what happened (not a transition)     | citizen          | agency            | reception       | supervisors       |
| ------------------------------------ | ---------------- | ----------------- | --------------- | ----------------- |
| a submission arrives (submit)        | received         |                   |                 |                   |
| 75% of the step's time (reminder)    |                  | reminder          | reminder (*)    |                   |
| deadline reached (escalation)        |                  | overdue           | overdue (*)     | escalated         |

(*) only while the case waits at reception (no agency holds it); an agency hears only when
    one holds it.
"""
from workflow.models import Role
from workflow.transitions import (AGENCY, CITIZEN, RECEPTION, SUPERVISORS, TRANSITIONS, Notice, at_reception,
                                  with_an_agency)

__all__ = ["AGENCY", "CITIZEN", "RECEPTION", "SUPERVISORS", "REMINDER", "OVERDUE", "RULES", "rules_for",
           "staff_kinds", "audiences_of_roles", "REMINDER_KINDS"]

# Pseudo-transitions for reminders (``workflow.signals.deadline_reached``), by stage.
REMINDER, OVERDUE = "deadline_75", "deadline_100"

RULES = {
    **{name: transition.notices for name, transition in TRANSITIONS.items()},
    "submit": (Notice(CITIZEN, "received"),),
    REMINDER: (Notice(AGENCY, "reminder", with_an_agency), Notice(RECEPTION, "reminder", at_reception)),
    OVERDUE: (Notice(SUPERVISORS, "escalated"), Notice(AGENCY, "overdue", with_an_agency),
              Notice(RECEPTION, "overdue", at_reception)),
}


def rules_for(transition, *, happening):
    """The notices that apply to what happened: ``happening`` has ``agency_id`` (the agency holding
    the case then) and ``to_state`` (a ``CaseEvent`` has both)."""
    return [notice for notice in RULES.get(transition, ()) if notice.when(happening)]


# The kinds of notice that are reminders of a deadline: their pushes keep office hours.
REMINDER_KINDS = frozenset(notice.kind for name in (REMINDER, OVERDUE) for notice in RULES[name])


def audiences_of_roles(roles):
    """The staff audiences a person with these ``Role``s belongs to (``selectors.staff_user_ids``
    draws the same lines: agency notices go to officers and supervisors of the agency)."""
    audiences = set()
    if Role.RECEPTION in roles:
        audiences.add(RECEPTION)
    if Role.OFFICER in roles or Role.SUPERVISOR in roles:
        audiences.add(AGENCY)
    if Role.SUPERVISOR in roles:
        audiences.add(SUPERVISORS)
    return audiences


def staff_kinds(audiences=(AGENCY, RECEPTION, SUPERVISORS)):
    """Every kind of staff notice these audiences can get, in the order the rules first name them."""
    kinds = []
    for notices in RULES.values():
        for notice in notices:
            if notice.audience in audiences and notice.kind not in kinds:
                kinds.append(notice.kind)
    return kinds
