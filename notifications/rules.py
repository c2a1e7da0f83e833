"""Who hears what: one table from what happened to a case to the people told about it.

Audiences
    citizen      every submitter of the case (``case.submissions``) who left an email or phone
                 and did not ask to stay anonymous; each is written to about their own case only.
    agency       officers and supervisors who are members of the agency handling the case.
    reception    reception officers (they route, and take back what agencies return).
    supervisors  supervisors whose subtree contains the case's agency (for a case still at
                 reception: the supervisors above a reception centre).

Staff hear in the app (the bell, pushed live); citizens by email and SMS through the outbox.
The person who acted is never told about their own action; someone in two audiences (a supervisor
who is also a member of the agency) hears once, through the first rule listed for the transition.

| what happened                        | citizen          | agency            | reception       | supervisors       |
| ------------------------------------ | ---------------- | ----------------- | --------------- | ----------------- |
| a submission arrives (submit)        | received         |                   |                 |                   |
| request_info                         | info_requested   |                   |                 |                   |
| provide_info (back to the agency)    |                  | info_provided     |                 |                   |
| provide_info (back to reception)     |                  |                   | info_provided   |                   |
| route                                | routed           | assigned          |                 |                   |
| transfer                             |                  | assigned          |                 |                   |
| return                               |                  |                   | returned        |                   |
| reject                               | rejected         |                   |                 |                   |
| answer (published at once)           | answered         |                   |                 |                   |
| answer (waiting for approval)        |                  |                   |                 | approval_needed   |
| approve                              | answered         | approved          |                 |                   |
| send_back                            |                  | sent_back         |                 |                   |
| request_extension                    |                  |                   |                 | extension_request |
| grant_extension                      |                  | extension_granted |                 |                   |
| reopen                               | reopened         | reopened          |                 |                   |
| withdraw                             |                  | withdrawn         | withdrawn (*)   |                   |
| 75% of the step's time (reminder)    |                  | reminder          | reminder (*)    |                   |
| deadline reached (escalation)        |                  | overdue           | overdue (*)     | escalated         |

(*) only while the case waits at reception (no agency holds it); an agency hears only when
    one holds it.
"""
from dataclasses import dataclass
from typing import Callable

from workflow.models import State

CITIZEN, AGENCY, RECEPTION, SUPERVISORS = "citizen", "agency", "reception", "supervisors"
# Pseudo-transitions for reminders (``workflow.signals.deadline_reached``), by stage.
REMINDER, OVERDUE = "deadline_75", "deadline_100"


def _always(case, event):
    return True


def _published(case, event):
    return event.to_state == State.ANSWERED


def _awaits_approval(case, event):
    return event.to_state == State.PENDING_APPROVAL


def _with_an_agency(case, event):
    return case.agency_id is not None


def _at_reception(case, event):
    return case.agency_id is None


@dataclass(frozen=True)
class Rule:
    audience: str
    kind: str
    applies: Callable = _always


RULES = {
    "submit": (Rule(CITIZEN, "received"),),
    "request_info": (Rule(CITIZEN, "info_requested"),),
    "provide_info": (Rule(AGENCY, "info_provided", _with_an_agency),
                     Rule(RECEPTION, "info_provided", _at_reception)),
    "route": (Rule(CITIZEN, "routed"), Rule(AGENCY, "assigned")),
    "transfer": (Rule(AGENCY, "assigned"),),
    "return": (Rule(RECEPTION, "returned"),),
    "reject": (Rule(CITIZEN, "rejected"),),
    "answer": (Rule(CITIZEN, "answered", _published), Rule(SUPERVISORS, "approval_needed", _awaits_approval)),
    "approve": (Rule(CITIZEN, "answered"), Rule(AGENCY, "approved")),
    "send_back": (Rule(AGENCY, "sent_back"),),
    "request_extension": (Rule(SUPERVISORS, "extension_request"),),
    "grant_extension": (Rule(AGENCY, "extension_granted"),),
    "reopen": (Rule(CITIZEN, "reopened"), Rule(AGENCY, "reopened")),
    "withdraw": (Rule(AGENCY, "withdrawn", _with_an_agency), Rule(RECEPTION, "withdrawn", _at_reception)),
    REMINDER: (Rule(AGENCY, "reminder", _with_an_agency), Rule(RECEPTION, "reminder", _at_reception)),
    OVERDUE: (Rule(SUPERVISORS, "escalated"), Rule(AGENCY, "overdue", _with_an_agency),
              Rule(RECEPTION, "overdue", _at_reception)),
}

# What citizens are written about (each has email and SMS templates in both languages).
CITIZEN_KINDS = ("received", "info_requested", "routed", "rejected", "answered", "reopened")


def rules_for(transition, *, case, event=None):
    """The rules that apply to what happened (``event`` is None for reminders)."""
    return [rule for rule in RULES.get(transition, ()) if rule.applies(case, event)]
