"""Reads of cases for the officials: their inbox queues, one case in full, what they can do on it.

Every list is built in SQL with what the page shows already joined or prefetched, so a page of
50 cases costs the same handful of queries as a page of 5. What an actor may see at all is
``workflow.visibility``; every read here starts from ``visible_cases``. The permission checks behind
``available_transitions`` read only the case's own columns, its select_related agency and the
actor (whose memberships were loaded once), never the database.
"""
from datetime import timedelta
from decimal import Decimal

from django.db.models import Case as SqlCase, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from core.errors import NotFound
from workflow import clock, deadlines, rules, services, transitions
from workflow.actors import STAFF
from workflow.models import OPEN_STATES, Agency, Case, CaseEvent, RoutingRule, State, Submission
from workflow.visibility import agencies_supervised_by, visible_cases
from workflow.working_time import day_start

QUEUES = ("reception", "agency", "approvals", "extensions", "overdue")


# --- the inbox ------------------------------------------------------------------------------------

def _list_prefetch():
    submissions = Submission.objects.only("id", "case_id", "tracking_code", "device_class",
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
    supervised = Q() if actor.is_superuser else Q(agency_id__in=agencies_supervised_by(actor).values("pk"))
    if queue == "approvals":
        return supervised & Q(state=State.PENDING_APPROVAL)
    if queue == "extensions":
        return supervised & Q(state=State.IN_PROGRESS, extension_requested_days__isnull=False,
                              extension_granted_days__isnull=True)
    if queue == "overdue":
        return deadlines.overdue_q(now)
    return Q(pk__in=[])


def _search_filter(q):
    """A tracking code (exact, any case) or words in the title or a submission's text."""
    submissions = Submission.objects.filter(case=OuterRef("pk"))
    by_code = Exists(submissions.filter(tracking_code__iexact=q))
    by_text = Exists(submissions.filter(Q(title__icontains=q) | Q(description__icontains=q)))
    return by_code | by_text | Q(title__icontains=q)


def placing_submissions():
    """The submission that places each case on a map: its first one that has a position (exact:
    for staff). A case no one located has none. The inbox's area filter and the dashboard's map
    both read this."""
    first_located = (Submission.objects.filter(case=OuterRef("case_id"), latitude__isnull=False,
                                               longitude__isnull=False)
                     .order_by("submitted_at", "pk").values("pk")[:1])
    return Submission.objects.filter(pk=Subquery(first_located))


def _in_area(cases, bounds):
    """Cases whose place lies in ``bounds`` (west and south edges in, east and north out, as the
    map's grid cells)."""
    def degrees(value):
        return Decimal(repr(float(value)))
    placed = placing_submissions().filter(
        latitude__gte=degrees(bounds.min_lat), latitude__lt=degrees(bounds.max_lat),
        longitude__gte=degrees(bounds.min_lon), longitude__lt=degrees(bounds.max_lon))
    return cases.filter(pk__in=placed.values("case_id"))


def case_list(*, actor, state=None, agency=None, category=None, overdue=None, q=None, queue=None,
              ward=None, area=None, submitted_from=None, submitted_to=None, now=None) -> QuerySet:
    """The cases the actor may see, filtered; most urgent first (nearest deadline, then oldest).

    ``agency``, ``category`` and ``ward`` are codes, an agency with its whole subtree (as the
    dashboard counts it, so its links land on the cases it counted); ``overdue`` True keeps open
    cases past their current deadline, False the others; ``queue`` is one of ``QUEUES``; ``area``
    (``core.geo.Bounds``) keeps the cases whose place (``placing_submissions``) lies in it;
    ``submitted_from`` and ``submitted_to`` are calendar days in Vietnam, both included (the
    dashboard's period).
    """
    now = now or timezone.now()
    cases = visible_cases(actor)
    if state:
        cases = cases.filter(state=state)
    if agency:
        cases = cases.filter(agency__in=Agency.objects.subtree_of(agency))
    if category:
        cases = cases.filter(category__code=category)
    if ward:
        cases = cases.filter(ward__code=ward)
    if area is not None:
        cases = _in_area(cases, area)
    if submitted_from:
        cases = cases.filter(submitted_at__gte=day_start(submitted_from))
    if submitted_to:
        cases = cases.filter(submitted_at__lt=day_start(submitted_to + timedelta(days=1)))
    if overdue is True:
        cases = cases.filter(deadlines.overdue_q(now))
    elif overdue is False:
        cases = cases.exclude(deadlines.overdue_q(now))
    if q and q.strip():
        cases = cases.filter(_search_filter(q.strip()))
    if queue:
        cases = cases.filter(_queue_filter(queue, actor, now))
    return (cases.select_related("agency", "category", "ward").prefetch_related(_list_prefetch())
            .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk"))


# What the staff API's list shows of a case, and what deciding its transitions reads (the
# conditions in ``workflow.rules``, the permissions' agency path): nothing else is loaded.
LIST_COLUMNS = (
    "id", "title", "kind", "state", "priority", "submitted_at", "due_at", "resume_state", "return_due_at",
    "extension_requested_days", "extension_granted_days", "reopened_at", "answered_at", "merged_into_id",
    "agency__code", "agency__name_vi", "agency__name_en", "agency__path", "category__code", "category__name_vi",
    "category__name_en", "ward__code", "ward__name",
)


def case_list_for_api(cases: QuerySet) -> QuerySet:
    """``case_list`` as the API's list reads it: only the columns it shows, no prefetch (a page's
    tracking codes come as values, ``submissions_by_case``)."""
    return cases.prefetch_related(None).only(*LIST_COLUMNS)


def submissions_by_case(case_ids) -> dict[int, list[tuple[str, str]]]:
    """Each case's submissions as (tracking code, device class), oldest first: one query of values
    for a page, no model instances."""
    rows = (Submission.objects.filter(case_id__in=case_ids).order_by("submitted_at", "pk")
            .values_list("case_id", "tracking_code", "device_class"))
    result = {pk: [] for pk in case_ids}
    for case_id, code, device in rows:
        result[case_id].append((code, device))
    return result


def backlog_counts(now=None) -> dict:
    """The province's open and overdue cases, in one query (operators' gauges)."""
    now = now or timezone.now()
    return Case.objects.aggregate(open=Count("pk", filter=Q(state__in=OPEN_STATES)),
                                  overdue=Count("pk", filter=deadlines.overdue_q(now)))


# --- one case ---------------------------------------------------------------------------------

def _detail_prefetches():
    submissions = (Submission.objects.select_related("category", "ward", "entered_by")
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

    Rating is the citizen's own action and is never listed for staff. Declared refusals, which
    may read the database, are left to the service so a page of cases costs no extra queries;
    ``offered_transitions`` checks them too, for one case.
    """
    if actor.kind != STAFF:
        return []
    by_method = transitions.by_method()
    names = []
    for transition in case.get_available_user_state_transitions(actor):
        name = by_method.get(transition.name)
        if name and name not in names:
            names.append(name)
    return names


def offered_transitions(case, actor) -> list[str]:
    """``available_transitions`` for one case shown on its own: the declared refusals are checked
    too (they may read the database, once per case), so no button is offered only to answer 409.
    A page of cases keeps to ``available_transitions_by_case``, where the service decides."""
    return [name for name in available_transitions(case, actor)
            if not (refusal := transitions.get(name).refusal) or refusal(case) is None]


def transition_inputs(case):
    """Everything the staff transitions of ``case`` depend on besides the actor: its state, its agency
    (and so the permissions) and the outcome of every condition in ``workflow.rules``. Two cases
    with the same inputs offer the same transitions (``tests/workflow/test_inbox_transitions.py``
    fails if a condition is added without being listed here). Reads the clock (``clock.at``)."""
    return (case.state, case.agency_id, case.resume_state, rules.is_not_its_own_target(case),
            rules.return_window_is_open(case), rules.has_no_extension_yet(case),
            rules.has_pending_extension_request(case), rules.was_never_reopened(case),
            rules.rating_window_is_open(case))


TRANSITION_CONDITIONS = ("is_not_its_own_target", "return_window_is_open", "has_no_extension_yet",
                         "has_pending_extension_request", "was_never_reopened", "rating_window_is_open")


def available_transitions_by_case(cases, actor, now=None) -> dict[int, list[str]]:
    """``available_transitions`` for a page of cases, worked out once per distinct set of inputs
    (``transition_inputs``): a page of 50 cases has a handful."""
    now = now or timezone.now()
    known, result = {}, {}
    with clock.at(now):
        for case in cases:
            key = transition_inputs(case)
            if key not in known:
                known[key] = available_transitions(case, actor)
            result[case.pk] = known[key]
    return result


def available_citizen_actions(case, actor) -> list[str]:
    """What the submitter (``actor``, holding the private key) can do on their case now: each
    transition declared with a ``citizen_action`` that every rule of its service allows (state,
    conditions, permission, declared refusal). Reply when asked, withdraw before an answer unless
    others' submissions share the case, rate an answer (which closes or reopens it)."""
    actions = []
    for spec in transitions.TRANSITIONS.values():
        if spec.citizen_action and spec.citizen_action not in actions and services.can_take(case, spec.name, actor):
            actions.append(spec.citizen_action)
    return actions


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

