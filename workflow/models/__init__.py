"""The workflow's models, one module per subject; import them from here (``workflow.models``).

``organisation``: agencies and memberships. ``policies``: routing rules, deadline policies and the
working calendar. ``cases``: cases, their state machine and events. ``submissions``: what citizens
send, owned by the case that handles it.
"""
from workflow.models.organisation import Agency, AgencyKind, Membership, Role
from workflow.models.policies import CalendarDay, DeadlinePolicy, Priority, RoutingRule
from workflow.models.cases import (OPEN_STATES, RESPONDED_STATES, RESUMABLE_STATES, ActorKind, Case, CaseEvent,
                                   CasePhoto, Rating, RejectReason, State)
from workflow.models.submissions import OFFICER_CHANNELS, Channel, Submission, SubmissionPhoto, hash_private_key

__all__ = [
    "Agency", "AgencyKind", "Membership", "Role",
    "CalendarDay", "DeadlinePolicy", "Priority", "RoutingRule",
    "OPEN_STATES", "RESPONDED_STATES", "RESUMABLE_STATES", "ActorKind", "Case", "CaseEvent", "CasePhoto", "Rating",
    "RejectReason", "State",
    "OFFICER_CHANNELS", "Channel", "Submission", "SubmissionPhoto", "hash_private_key",
]
