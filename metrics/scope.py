"""What a set of metrics covers: the period and filters asked for, within what the viewer may see.

* Period: ``date_from`` to ``date_to`` inclusive, as calendar days in Vietnam: from 00:00 local
  time on the first day to 00:00 local time on the day after the last, turned into instants.
* Agency means the agency and its whole subtree; category and ward are the case's.
* Channel and device class belong to submissions. A submission-based figure (the mobile handling
  indicator, the mobile share) uses each submission's own; a case-based figure (response times,
  on-time, backlog, satisfaction) uses those of the case's first submission, so every case counts
  once.
* Scope: the cases the viewer's figures count (``workflow.visibility.figures_reach``, the one
  rule for every read): what a member of staff may see, and for the public's published figures
  (``PUBLIC_ACTOR``) every case in the province. Someone else (no role) is refused.
"""
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from core.errors import PermissionDenied
from workflow.visibility import figures_filter
from workflow.working_time import LocalDays


@dataclass(frozen=True)
class MetricsFilter(LocalDays):
    agency: object = None
    category: object = None
    ward: object = None
    channel: str = ""
    device: str = ""

    def with_period(self, date_from, date_to):
        return MetricsFilter(date_from, date_to, self.agency, self.category, self.ward, self.channel, self.device)


def case_scope(actor, prefix=""):
    """Q over cases (reached through ``prefix``, e.g. "case__") that ``actor``'s metrics cover."""
    if not (actor.is_staff_member or actor.is_public):
        raise PermissionDenied()
    return figures_filter(actor, prefix)


def case_conditions(filters, actor, prefix=""):
    """Scope plus the case-level filters (agency subtree, category, ward)."""
    q = case_scope(actor, prefix)
    if filters.agency is not None:
        q &= Q(**{f"{prefix}agency_id__in": filters.agency.subtree().values("pk")})
    if filters.category is not None:
        q &= Q(**{f"{prefix}category": filters.category})
    if filters.ward is not None:
        q &= Q(**{f"{prefix}ward": filters.ward})
    return q


def origin(field):
    """A case's first submission's ``field`` (channel or device class), as a subquery."""
    from workflow.models import Submission

    first = Submission.objects.filter(case=OuterRef("pk")).order_by("submitted_at", "pk").values(field)[:1]
    return Subquery(first)


def with_origin_filters(cases, filters):
    """Cases whose first submission came through the filtered channel and device class."""
    if filters.channel:
        cases = cases.alias(origin_channel=origin("channel")).filter(origin_channel=filters.channel)
    if filters.device:
        cases = cases.alias(origin_device=origin("device_class")).filter(origin_device=filters.device)
    return cases
