"""Reads of cases for the officials: what an actor may see, their inbox queues, one case in full.

Every list is built in SQL with what the page shows already joined or prefetched, so a page of
50 cases costs the same handful of queries as a page of 5. The permission checks behind
``available_transitions`` read only the case's own columns, its select_related agency and the
actor (whose memberships were loaded once), never the database.
"""
from django.db.models import Case as SqlCase, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from core.errors import NotFound
from workflow import deadlines
from workflow.actors import STAFF
from workflow.models import OPEN_STATES, Agency, Case, CaseEvent, RoutingRule, State
from workflow.services import METHOD_NAMES

QUEUES = ("reception", "agency", "approvals", "extensions", "overdue")


def _submission_model():
    # Submissions live in the feedback app, which depends on this one: reach it through the
    # reverse relation instead of importing it.
    return Case._meta.get_field("submissions").related_model


# --- who sees what ------------------------------------------------------------------------------

def _supervised_q(actor):
    """Cases whose agency lies in a subtree the actor supervises (one LIKE per subtree)."""
    q = Q(pk__in=[])
    for path in actor.supervised_paths:
        q |= Q(agency__path__startswith=path)
    return q


def visible_cases(actor) -> QuerySet:
    """Cases the actor may open: reception, superusers and province supervisors all; agency people those of their
    agencies; supervisors also every case of their agency's subtree; citizens and people without
    a role none (citizens reach their case through its private link, not here)."""
    if actor.kind != STAFF or not actor.is_staff_member:
        return Case.objects.none()
    if actor.sees_every_case:
        return Case.objects.all()
    return Case.objects.filter(Q(agency_id__in=actor.agency_ids) | _supervised_q(actor))


# --- the inbox ------------------------------------------------------------------------------------

def _list_prefetch():
    submissions = _submission_model().objects.only("id", "case_id", "tracking_code", "device_class",
                                                   "submitted_at").order_by("submitted_at", "pk")
    return Prefetch("submissions", queryset=submissions)


def _queue_filter(queue, actor, now):
    """The working queues of the inbox; an unknown queue name matches nothing."""
    if queue == "reception":
        return Q(state=State.SUBMITTED) | Q(state=State.NEEDS_INFO, resume_state=State.SUBMITTED)
    if queue == "agency":
        return Q(agency_id__in=actor.agency_ids) & (
            Q(state__in=(State.ASSIGNED, State.IN_PROGRESS))
            | Q(state=State.NEEDS_INFO, resume_state=State.IN_PROGRESS))
    supervised = Q() if actor.is_superuser else _supervised_q(actor)
    if queue == "approvals":
        return supervised & Q(state=State.PENDING_APPROVAL)
    if queue == "extensions":
        return supervised & Q(state=State.IN_PROGRESS, extension_requested_days__isnull=False,
                              extension_granted_days__isnull=True)
    if queue == "overdue":
        return Q(state__in=OPEN_STATES, due_at__lt=now)
    return Q(pk__in=[])


def _search_filter(q):
    """A tracking code (exact, any case) or words in the title or a submission's text."""
    submissions = _submission_model().objects.filter(case=OuterRef("pk"))
    by_code = Exists(submissions.filter(tracking_code__iexact=q))
    by_text = Exists(submissions.filter(Q(title__icontains=q) | Q(description__icontains=q)))
    return by_code | by_text | Q(title__icontains=q)


def case_list(*, actor, state=None, agency=None, category=None, overdue=None, q=None, queue=None,
              now=None) -> QuerySet:
    """The cases the actor may see, filtered; most urgent first (nearest deadline, then oldest).

    ``agency`` and ``category`` are codes; ``overdue`` True keeps open cases past their current
    deadline, False the others; ``queue`` is one of ``QUEUES``.
    """
    now = now or timezone.now()
    cases = visible_cases(actor)
    if state:
        cases = cases.filter(state=state)
    if agency:
        cases = cases.filter(agency__code=agency)
    if category:
        cases = cases.filter(category__code=category)
    overdue_q = Q(state__in=OPEN_STATES, due_at__lt=now)
    if overdue is True:
        cases = cases.filter(overdue_q)
    elif overdue is False:
        cases = cases.exclude(overdue_q)
    if q and q.strip():
        cases = cases.filter(_search_filter(q.strip()))
    if queue:
        cases = cases.filter(_queue_filter(queue, actor, now))
    return (cases.select_related("agency", "category", "ward").prefetch_related(_list_prefetch())
            .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk"))


# --- one case ---------------------------------------------------------------------------------

def _detail_prefetches():
    submission_model = _submission_model()
    submissions = (submission_model.objects.select_related("category", "ward", "entered_by")
                   .prefetch_related("photos").order_by("submitted_at", "pk"))
    events = CaseEvent.objects.select_related("actor", "agency").order_by("created_at", "pk")
    return (Prefetch("submissions", queryset=submissions), Prefetch("events", queryset=events),
            "result_photos")


def case_detail(*, actor, case_id) -> Case:
    """One case with its submissions, photos and timeline; ``NotFound`` unless the actor may see it."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    case = (visible_cases(actor).filter(pk=case_id)
            .select_related("agency", "category", "ward", "merged_into")
            .prefetch_related(*_detail_prefetches()).first())
    if case is None:
        raise NotFound()
    return case


def case_detail_unchecked(case_id) -> Case:
    """The same read without the visibility check: for showing the result of an action the actor
    just took (a return hands the case away, yet the response describes what they did)."""
    return (Case.objects.filter(pk=case_id).select_related("agency", "category", "ward", "merged_into")
            .prefetch_related(*_detail_prefetches()).get())


# --- what the actor can do, and what the case needs ----------------------------------------------

def available_transitions(case, actor) -> list[str]:
    """Contract names of the transitions the actor may take now (state, conditions, permission).

    Rating is the citizen's own action and is never listed for staff.
    """
    if actor.kind != STAFF:
        return []
    names = []
    for transition in case.get_available_user_state_transitions(actor):
        name = transition.custom.get("api_name") or METHOD_NAMES.get(transition.name)
        if name and name not in names:
            names.append(name)
    return names


def suggest_agency(case) -> Agency | None:
    """The routing rules' suggestion: among active rules matching the case's category and ward,
    one naming both beats category-only, which beats ward-only (then catch-all); ties go to
    the higher priority."""
    match_category = Q(category__isnull=True) | Q(category_id=case.category_id)
    match_ward = Q(ward__isnull=True) | (Q(ward_id=case.ward_id) if case.ward_id else Q(pk__in=[]))
    specificity = SqlCase(
        When(category__isnull=False, ward__isnull=False, then=Value(3)),
        When(category__isnull=False, then=Value(2)),
        When(ward__isnull=False, then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    rule = (RoutingRule.objects.filter(match_category & match_ward, is_active=True, agency__is_active=True)
            .annotate(specificity=specificity).select_related("agency")
            .order_by("-specificity", "-priority", "pk").first())
    return rule.agency if rule else None


def time_left_seconds(case, now=None) -> int | None:
    """Working seconds until the current deadline; negative once it has passed; None when no clock runs."""
    if case.due_at is None:
        return None
    return deadlines.working_seconds_left(now or timezone.now(), case.due_at)


def time_left_by_case(cases, now=None) -> dict[int, int | None]:
    """``time_left_seconds`` for a page of cases at once.

    Working time is additive along the time line, so the page's deadlines are sorted and only
    the gaps between neighbours are measured: the cost follows the span the page covers once,
    not once per case (a page of cases overdue for months would otherwise walk those months
    fifty times).
    """
    now = now or timezone.now()
    moments = sorted({case.due_at for case in cases if case.due_at is not None} | {now})
    offsets, running = {}, 0  # working seconds from the earliest moment to each moment
    for previous, moment in zip([moments[0], *moments], moments):
        running += deadlines.working_seconds_between(previous, moment)
        offsets[moment] = running
    return {case.pk: None if case.due_at is None else offsets[case.due_at] - offsets[now] for case in cases}


def is_overdue(case, now=None) -> bool:
    return case.state in OPEN_STATES and case.due_at is not None and case.due_at < (now or timezone.now())
