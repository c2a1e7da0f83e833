"""The province's indicators, computed in the database (aggregates, conditional counts, windows).

Every figure takes a ``MetricsFilter`` (period, agency subtree, category, ward, channel, device
class) and the viewer's ``Actor`` (what they may see; ``metrics.scope``). Rules:

* Mobile handling indicator: of the submissions made from a mobile device in the period whose
  case was not withdrawn, the share whose case reached a final response: answered, closed or
  rejected (a rejection always carries a reason). A merged submission follows the case it was
  merged into. Target: ``settings.PAKN_MOBILE_TARGET_PERCENT``.
* Response time (submission → published answer) over the cases submitted in the period that have
  an answer (rejections are not answers); intake time (submission → first reception action) over
  those submitted in the period that reception acted on. Working and calendar hours, median, p90
  and mean, from the durations stored when each step ended.
* On-time: answered by the deadline in force (an extension included) over all answered, for the
  cases submitted in the period.
* Backlog, as of now whatever the period: open cases, those past their deadline, and those due
  within the next 24 working hours.
* Satisfaction: (satisfied + acceptable) over rated answers, cases submitted in the period.
* Mobile share: submissions from a mobile device over all submissions in the period; officials'
  actions (workflow events by staff) taken on a mobile device over all their actions in the period.

Where they come from: ``summary`` reads the stored aggregates (``metrics.store``) when they can
answer (built, and no filter but the agency), so its cost does not grow with history; counts and
means are then exact and medians and p90s within half an hour (``precision_hours`` says which:
0 when computed from every value, 0.5 from the hour histograms). Otherwise, and always for the
figures' definitions, the queries below run over the raw tables.
"""
from django.conf import settings
from django.db.models import Count, F, IntegerField, Q, When
from django.db.models import Case as CaseWhen
from django.utils import timezone

from core.devices import DeviceClass
from metrics import store
from metrics.percentiles import HISTOGRAM_ERROR_HOURS, distribution, from_hour_histogram
from metrics.scope import case_conditions, with_origin_filters
from workflow.actors import STAFF
from workflow.models import OPEN_STATES, RESPONDED_STATES, Case, CaseEvent, Rating, State, Submission
from workflow.deadlines import overdue_q, past_due_q
from workflow.visibility import case_filter
from workflow.working_time import get_calendar

MOBILE = DeviceClass.MOBILE
SATISFIED_RATINGS = (Rating.SATISFIED, Rating.ACCEPTABLE)


def ratio(numerator, denominator):
    """``{"numerator", "denominator", "rate"}``; the rate is a fraction to 4 places, null for 0/0."""
    rate = round(numerator / denominator, 4) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "rate": rate}


def hours(seconds):
    return None if seconds is None else round(seconds / 3600, 2)


# --- the rows each figure counts ----------------------------------------------------------------

def submissions_in(*, filters, actor):
    """Submissions made in the period, by the submission's own channel and device class."""
    rows = Submission.objects.filter(submitted_at__gte=filters.start, submitted_at__lt=filters.end)
    rows = rows.filter(case_conditions(filters, actor, "case__"))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.device:
        rows = rows.filter(device_class=filters.device)
    return rows.order_by()


def cases_matching(*, filters, actor):
    """Cases the viewer may see that match the filters, whenever they were submitted."""
    cases = Case.objects.filter(case_conditions(filters, actor))
    return with_origin_filters(cases, filters).order_by()


def cases_submitted_in(*, filters, actor):
    return cases_matching(filters=filters, actor=actor).filter(
        submitted_at__gte=filters.start, submitted_at__lt=filters.end)


def listed(cases, *, actor):
    """``cases`` as rows to show (lists, exports, maps of cases): only those the viewer may open.
    Figures may count more than that (the public's count every case); a list never shows more."""
    return cases.filter(case_filter(actor))


def indicator_counts():
    counted = Q(device_class=MOBILE) & ~Q(case__state=State.WITHDRAWN)
    return {
        "indicator_denominator": Count("pk", filter=counted),
        "indicator_numerator": Count("pk", filter=counted & Q(case__state__in=RESPONDED_STATES)),
    }


# --- the figures ---------------------------------------------------------------------------------

def mobile_handling_rate(*, filters, actor):
    """The indicator alone: mobile submissions in the period (not withdrawn) that got a final response."""
    rows = submissions_in(filters=filters, actor=actor).filter(device_class=MOBILE).exclude(
        case__state=State.WITHDRAWN)
    # Counting case_id (never null), not the submission's id, lets an index on (device class,
    # time, case) answer without reading the submissions themselves.
    counts = rows.aggregate(denominator=Count("case"),
                            numerator=Count("case", filter=Q(case__state__in=RESPONDED_STATES)))
    return _indicator(counts["numerator"], counts["denominator"])


def _indicator(numerator, denominator):
    return {**ratio(numerator, denominator), "target": settings.PAKN_MOBILE_TARGET_PERCENT / 100}


def submission_share(*, filters, actor):
    """The period's submissions and how many came from a mobile device (no join when unscoped)."""
    # Counting device_class (never null) keeps the query inside the (time, device class) index.
    return submissions_in(filters=filters, actor=actor).aggregate(
        submissions=Count("device_class"), mobile_submissions=Count("device_class", filter=Q(device_class=MOBILE)))


ANSWERED = Q(answered_at__isnull=False)
CASE_COUNTS = {
    "answered": ANSWERED,
    "answered_on_time": ANSWERED & Q(answered_on_time=True),
    "rated": ~Q(rating=""),
    "satisfied": Q(rating__in=SATISFIED_RATINGS),
}


def case_stats(*, filters, actor):
    """One query over the period's cases: response and intake times (count, mean, median, p90 in
    working and calendar seconds) and the answered, on-time, rated and satisfied counts."""
    columns = {
        "response_working": answered_only("response_working_seconds"),
        "response_calendar": answered_only("response_calendar_seconds"),
        "intake_working": "intake_working_seconds",
        "intake_calendar": "intake_calendar_seconds",
    }
    stats = distribution(cases_submitted_in(filters=filters, actor=actor), columns, counts=CASE_COUNTS).get(None)
    if stats is None:
        empty = {"count": 0, "mean": None, "median": None, "p90": None}
        return {"rows": 0, "counts": dict.fromkeys(CASE_COUNTS, 0), **{name: empty for name in columns}}
    return stats


def answered_only(field):
    """``field`` where the case has a published answer, null otherwise (a rejection is not an answer)."""
    return CaseWhen(When(ANSWERED, then=F(field)), default=None, output_field=IntegerField())


def _durations(stats, prefix, precision=0.0):
    working, calendar = stats[f"{prefix}_working"], stats[f"{prefix}_calendar"]
    return {
        "working_hours": {label: hours(working[label]) for label in ("median", "p90", "mean")},
        "calendar_hours": {label: hours(calendar[label]) for label in ("median", "p90", "mean")},
        "count": working["count"],
        "precision_hours": precision,
    }


def backlog(*, filters, actor, now=None):
    """Open cases now, those past their deadline, and those due within the next 24 working hours."""
    now = now or timezone.now()
    soon = get_calendar().add_working_hours(now, 24)
    # Counting ids and due_at, which the partial index of open cases (``case_open_due``) carries
    # with the agency: PostgreSQL counts from the index alone, without visiting each case's row.
    counts = cases_matching(filters=filters, actor=actor).filter(state__in=OPEN_STATES).aggregate(
        open=Count("pk"), overdue=Count("due_at", filter=past_due_q(now)),
        due_within_24_working_hours=Count("due_at", filter=Q(due_at__gte=now, due_at__lte=soon)))
    return counts


def staff_actions(*, filters, actor):
    """Officials' workflow actions in the period, and how many were taken on a mobile device."""
    events = CaseEvent.objects.filter(actor_kind=STAFF, created_at__gte=filters.start, created_at__lt=filters.end)
    events = events.filter(case_conditions(filters, actor, "case__"))
    if filters.channel or filters.device:
        events = events.filter(case__in=cases_matching(filters=filters, actor=actor).values("pk"))
    return events.order_by().aggregate(total=Count("device_class"),
                                       mobile=Count("device_class", filter=Q(device_class=MOBILE)))


def summary(*, filters, actor, now=None):
    """Every figure for the period and filters, as the summary API returns it: from the stored
    aggregates when they can answer, otherwise computed over the raw tables (five queries)."""
    stored = store.stored_figures(filters=filters, actor=actor, today=_local_day(now))
    if stored is not None:
        return _summary_from_figures(stored, filters=filters, actor=actor, now=now)
    shares = submission_share(filters=filters, actor=actor)
    stats = case_stats(filters=filters, actor=actor)
    counts = stats["counts"]
    actions = staff_actions(filters=filters, actor=actor)
    return {
        "period": {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()},
        "mobile_handling_rate": mobile_handling_rate(filters=filters, actor=actor),
        "response_time": _durations(stats, "response"),
        "intake_time": _durations(stats, "intake"),
        "on_time": ratio(counts["answered_on_time"], counts["answered"]),
        "backlog": backlog(filters=filters, actor=actor, now=now),
        "satisfaction": ratio(counts["satisfied"], counts["rated"]),
        "mobile_share": {
            "submissions": ratio(shares["mobile_submissions"], shares["submissions"]),
            "staff_actions": ratio(actions["mobile"], actions["total"]),
        },
    }


def _local_day(now):
    return timezone.localdate(now) if now else None


def _stored_stats(figures):
    """The shape of ``case_stats`` from stored figures: exact counts and means, percentiles from
    the hour histograms."""
    counts = figures.counts
    stats = {"rows": counts["cases"], "counts": {name: counts[name] for name in CASE_COUNTS}}
    for name in ("response_working", "response_calendar", "intake_working", "intake_calendar"):
        n, histogram = counts[f"{name}_n"], figures.histograms[name]
        stats[name] = {"count": n, "mean": counts[f"{name}_sum"] / n if n else None,
                       "median": from_hour_histogram(histogram, 0.5), "p90": from_hour_histogram(histogram, 0.9)}
    return stats


def _summary_from_figures(figures, *, filters, actor, now):
    counts, stats = figures.counts, _stored_stats(figures)
    return {
        "period": {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()},
        "mobile_handling_rate": _indicator(counts["indicator_numerator"], counts["indicator_denominator"]),
        "response_time": _durations(stats, "response", HISTOGRAM_ERROR_HOURS),
        "intake_time": _durations(stats, "intake", HISTOGRAM_ERROR_HOURS),
        "on_time": ratio(counts["answered_on_time"], counts["answered"]),
        "backlog": backlog(filters=filters, actor=actor, now=now),
        "satisfaction": ratio(counts["satisfied"], counts["rated"]),
        "mobile_share": {
            "submissions": ratio(counts["mobile_submissions"], counts["submissions"]),
            "staff_actions": ratio(counts["mobile_staff_actions"], counts["staff_actions"]),
        },
    }


def overdue_cases(*, filters, actor, now=None, limit=50):
    """Open cases past their deadline now, the most overdue first, with what a list shows."""
    now = now or timezone.now()
    overdue = listed(cases_matching(filters=filters, actor=actor), actor=actor).filter(overdue_q(now))
    # The page's ids in a subquery of their own, which the partial index of open cases (deadline,
    # id, agency) answers alone; asked for whole rows at once, PostgreSQL misjudges how many open
    # cases are past due and fetches every one of them to sort (371 against 19 ms, 3M cases).
    page = overdue.order_by("due_at", "pk").values("pk")[:limit]
    return Case.objects.filter(pk__in=page).select_related("agency", "category").order_by("due_at", "pk")
