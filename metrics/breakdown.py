"""The figures per group (agency, category, ward, channel, device class, month, week), by GROUP BY.

Each row has the group's submissions and mobile handling indicator (counted over submissions, by
their own channel and device class), its cases, answers, on-time answers and median response in
working hours (over the cases submitted in the period, grouped by the case's agency, category,
ward, or its first submission's channel and device class), and the cases overdue now. Agency rows
are each agency on its own (not its subtree); cases no agency holds yet have a row of their own.
A few grouped queries each; the rows are merged by key.

Where they come from: as the summary, from the stored aggregates (``metrics.store.stored_groups``)
when they can answer (built, no filter but the agency) for the rows per agency, category, ward and
month and for the trend: counts exact, the medians from the hour histograms within half an hour
(each row's ``precision_hours``, 0 when computed from every value). Otherwise, and for weeks,
channels and device classes, over the raw tables. The cases overdue now are always counted live.
"""
from datetime import date

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from core.devices import DeviceClass
from core.models import Category, Ward
from metrics import selectors, store
from metrics.figures import NO_MEMBER, MEMBER_DURATIONS
from metrics.models import NO_AGENCY
from metrics.percentiles import HISTOGRAM_ERROR_HOURS, distribution, from_hour_histogram
from metrics.scope import origin
from workflow.deadlines import overdue_q
from workflow.models import Agency, Channel
from workflow.working_time import LOCAL_TZ

BREAKDOWN_KEYS = ("agency", "category", "ward", "channel", "device", "month", "week")
TIME_KEYS = ("month", "week")
_SUBMISSION_FIELDS = {"agency": "case__agency__code", "category": "case__category__code",
                      "ward": "case__ward__code", "channel": "channel", "device": "device_class"}
_TRUNC = {"month": TruncMonth, "week": TruncWeek}
STORED_KEYS = ("agency", "category", "ward", "month")
MEMBER_KEYS = ("agency", "category", "ward")  # a case's own foreign keys


def _submission_key(by):
    if by in TIME_KEYS:
        return _TRUNC[by]("submitted_at", tzinfo=LOCAL_TZ)
    return F(_SUBMISSION_FIELDS[by])


def _case_key(by):
    if by in TIME_KEYS:
        return _TRUNC[by]("submitted_at", tzinfo=LOCAL_TZ)
    if by in ("channel", "device"):
        return origin("channel" if by == "channel" else "device_class")
    return F(f"{by}__code")


def _normal(by, value):
    """One key whatever the driver returned: a code, "YYYY-MM" for a month, "YYYY-MM-DD" for a week."""
    if value is None or by not in TIME_KEYS:
        return value
    return str(value)[:7] if by == "month" else str(value)[:10]


def _empty_row(key):
    return {"key": key, "label": "", "submissions": 0, "mobile_submissions": 0,
            "mobile_handling_rate": selectors.ratio(0, 0), "cases": 0, "answered": 0,
            "on_time": selectors.ratio(0, 0), "overdue": 0, "median_response_working_hours": None,
            "precision_hours": 0.0}


def breakdown(*, by, filters, actor, now=None, medians=True):
    """The rows for ``by`` (one of ``BREAKDOWN_KEYS``), in the key's natural order. Without
    ``medians`` the stored rows' median is left out (None): the histograms are not read."""
    if by not in BREAKDOWN_KEYS:
        raise ValueError(f"Unknown breakdown: {by}")
    now = now or timezone.now()
    rows = {}

    def row(key):
        return rows.setdefault(_normal(by, key), _empty_row(_normal(by, key)))

    codes = _Codes(by)
    stored = store.stored_groups(filters=filters, actor=actor, group=by, durations=MEMBER_DURATIONS if medians else (),
                                 today=timezone.localdate(now)) if by in STORED_KEYS else None
    if stored is not None:
        _add_stored(row, stored, codes)
    else:
        _add_submissions(row, by, filters, actor)
        _add_cases(row, by, filters, actor)
    _add_overdue(row, by, filters, actor, now, codes)
    _add_labels(rows, by)
    return sorted(rows.values(), key=lambda r: (r["key"] is None, r["key"] if by in TIME_KEYS else r["label"]))


def _stored_keys(by, keys):
    """The breakdown's key of each stored group's: an agency's, category's or ward's code (None for
    no agency or none), a month as "YYYY-MM"."""
    if by == "month":
        return {key: key.isoformat()[:7] for key in keys}
    model = {"agency": Agency, "category": Category, "ward": Ward}[by]
    codes = dict(model.objects.filter(pk__in=keys).values_list("pk", "code"))
    return {key: codes.get(key) for key in keys}


class _Codes:
    """The breakdown's keys of one table's stored group keys (``_stored_keys``), each looked up once
    whether the stored rows or the overdue counts ask first; ``NO_AGENCY`` and ``NO_MEMBER`` are None."""

    def __init__(self, by):
        self.by, self.known = by, {}

    def of(self, keys):
        missing = [key for key in keys if key not in self.known]
        if self.by != "month":
            self.known.update((key, None) for key in missing if key in (NO_AGENCY, NO_MEMBER))
            missing = [key for key in missing if key not in (NO_AGENCY, NO_MEMBER)]
        self.known.update(_stored_keys(self.by, missing))
        return self.known


def _add_stored(row, groups, codes):
    """The rows from stored figures: a group with neither submissions nor cases in the period (its
    officials acted on older cases) has no row, as live."""
    codes = codes.of(groups)
    for key, figures in groups.items():
        counts = figures.counts
        if not (counts["submissions"] or counts["cases"]):
            continue
        median = from_hour_histogram(figures.histograms["response_working"], 0.5)
        row(codes.get(key)).update(
            submissions=counts["submissions"], mobile_submissions=counts["mobile_submissions"],
            mobile_handling_rate=selectors.ratio(counts["indicator_numerator"], counts["indicator_denominator"]),
            cases=counts["cases"], answered=counts["answered"],
            on_time=selectors.ratio(counts["answered_on_time"], counts["answered"]),
            median_response_working_hours=selectors.hours(median), precision_hours=HISTOGRAM_ERROR_HOURS)


def _add_submissions(row, by, filters, actor):
    grouped = selectors.submissions_in(filters=filters, actor=actor).values(k=_submission_key(by)).annotate(
        submissions=Count("pk"), mobile_submissions=Count("pk", filter=Q(device_class=DeviceClass.MOBILE)),
        **selectors.indicator_counts())
    for r in grouped:
        target = row(r["k"])
        target.update(submissions=r["submissions"], mobile_submissions=r["mobile_submissions"],
                      mobile_handling_rate=selectors.ratio(r["indicator_numerator"], r["indicator_denominator"]))


def _add_cases(row, by, filters, actor):
    """One grouped query: cases, answered, on time, and the median response in working hours."""
    cases = selectors.cases_submitted_in(filters=filters, actor=actor)
    grouped = distribution(cases, {"working": selectors.answered_only("response_working_seconds")},
                           fractions={"median": 0.5}, group_by=_case_key(by),
                           counts={k: selectors.CASE_COUNTS[k] for k in ("answered", "answered_on_time")})
    for key, stats in grouped.items():
        counts = stats["counts"]
        row(key).update(cases=stats["rows"], answered=counts["answered"],
                        on_time=selectors.ratio(counts["answered_on_time"], counts["answered"]),
                        median_response_working_hours=selectors.hours(stats["working"]["median"]))


def _add_overdue(row, by, filters, actor, now, codes):
    """Overdue now; for month and week rows, among the cases submitted in the period."""
    scope = selectors.cases_submitted_in if by in TIME_KEYS else selectors.cases_matching
    overdue = scope(filters=filters, actor=actor).filter(overdue_q(now))
    if by not in MEMBER_KEYS:
        for r in overdue.values(k=_case_key(by)).annotate(overdue=Count("pk")):
            row(r["k"])["overdue"] = r["overdue"]
        return
    # Grouped on the case's own column, keyed as the stored groups are (0 for none), the codes
    # looked up after: no join per case, and the planner walks the open cases' index rather than
    # every case in the order of the group's (SQLite did, to save a sort: 270 ms at 100k cases).
    grouped = overdue.values(k=Coalesce(f"{by}_id", Value(NO_MEMBER))).annotate(overdue=Count("pk"))
    counts = {r["k"]: r["overdue"] for r in grouped}
    known = codes.of(counts)
    for key, n in counts.items():
        row(known[key])["overdue"] = n


def _add_labels(rows, by):
    labels = _labels(by, [k for k in rows if k is not None])
    for key, r in rows.items():
        r["label"] = labels.get(key) or _missing_label(by)


def _labels(by, keys):
    if by == "agency":
        return {a.code: a.name for a in Agency.objects.filter(code__in=keys).only("code", "name_vi", "name_en")}
    if by == "category":
        return {c.code: c.name for c in Category.objects.filter(code__in=keys).only("code", "name_vi", "name_en")}
    if by == "ward":
        return dict(Ward.objects.filter(code__in=keys).values_list("code", "name"))
    if by == "channel":
        return {k: str(v) for k, v in Channel.choices}
    if by == "device":
        return {k: str(v) for k, v in DeviceClass.choices}
    if by == "month":
        return {k: f"{k[5:7]}/{k[:4]}" for k in keys}
    return {k: date.fromisoformat(k).strftime("%d/%m/%Y") for k in keys}


def _missing_label(by):
    return _("Chưa giao cơ quan") if by == "agency" else _("Không rõ")


def trend_start(filters, months=12):
    """The first day of the trend: 12 months back from the period's last month, or the period's start."""
    end = filters.date_to
    month_index = end.year * 12 + end.month - 1 - (months - 1)
    first = date(month_index // 12, month_index % 12 + 1, 1)
    return min(first, filters.date_from)


def indicator_trend(*, filters, actor, months=12):
    """The indicator month by month (local months), every month present, oldest first."""
    trend_filters = filters.with_period(trend_start(filters, months), filters.date_to)
    stored = store.stored_groups(filters=trend_filters, actor=actor, group="month", durations=())
    if stored is not None:
        counts = {month.isoformat()[:7]: {name: figures.counts[name] for name in
                                          ("indicator_numerator", "indicator_denominator")}
                  for month, figures in stored.items()}
    else:
        grouped = selectors.submissions_in(filters=trend_filters, actor=actor) \
            .values(k=_submission_key("month")).annotate(**selectors.indicator_counts())
        counts = {_normal("month", r["k"]): r for r in grouped}
    result = []
    for key in _months(trend_filters.date_from, trend_filters.date_to):
        r = counts.get(key, {"indicator_numerator": 0, "indicator_denominator": 0})
        result.append({"month": key, "label": f"{key[5:7]}/{key[:4]}",
                       **selectors.ratio(r["indicator_numerator"], r["indicator_denominator"])})
    return result


def _months(first, last):
    index, stop = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    while index <= stop:
        yield f"{index // 12:04d}-{index % 12 + 1:02d}"
        index += 1
