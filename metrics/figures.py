"""The indicators' raw material for a stretch of time, computed from the raw tables, and how it adds up.

``Figures`` are the counters and hour histograms of ``metrics.models`` in memory: they add up
(a month is the sum of its days, the province the sum of its agencies), and ``figures_from_rows``
computes them from cases, submissions and events with the same rules as the live selectors
(``metrics.selectors``), grouped by agency and, for the store, by local day. It is the one
computation behind the stored rows, their rebuild, their check, and the current day's live part.

A *member* of a dimension (``MEMBER_COLUMNS``: a case's category or ward) splits the same figures
further, for the breakdown tables: those rows keep the counters a table shows and the response
time's histogram only (``MEMBER_DURATIONS``), not the officials' actions, which no table splits.
"""
from collections import Counter
from datetime import timedelta

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import TruncDate

from core.devices import DeviceClass
from metrics.models import COUNTERS, DURATIONS, EVERY_AGENCY, NO_AGENCY
from workflow.actors import STAFF
from workflow.models import RESPONDED_STATES, Case, CaseEvent, Rating, State, Submission
from workflow.working_time import LOCAL_TZ

HOUR = 3600
NO_MEMBER = 0
# The case columns a dimension's member is read from (a submission's or event's through its case).
MEMBER_COLUMNS = {"category": "category_id", "ward": "ward_id"}
MEMBER_DURATIONS = ("response_working",)
MOBILE = DeviceClass.MOBILE
ANSWERED = Q(answered_at__isnull=False)
SATISFIED_RATINGS = (Rating.SATISFIED, Rating.ACCEPTABLE)


class Figures:
    """Counters (``COUNTERS``) and, per duration, a histogram of whole hours."""

    __slots__ = ("counts", "histograms")

    def __init__(self, counts=None, histograms=None):
        self.counts = Counter(counts or {})
        self.histograms = {name: Counter(histograms.get(name, {})) if histograms else Counter() for name in DURATIONS}

    def add(self, other):
        self.counts.update(other.counts)
        for name in DURATIONS:
            self.histograms[name].update(other.histograms[name])
        return self

    def is_empty(self):
        return not any(self.counts.values())

    def as_fields(self):
        """The model's columns: every counter, and the histograms with string keys (JSON)."""
        fields = {name: int(self.counts.get(name, 0)) for name in COUNTERS}
        fields["histograms"] = {name: {str(hour): n for hour, n in sorted(self.histograms[name].items()) if n}
                                for name in DURATIONS if any(self.histograms[name].values())}
        return fields

    @classmethod
    def from_row(cls, row):
        """From a ``DailyFigures`` row (or its ``values()``)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        histograms = get("histograms") or {}
        return cls({name: get(name) for name in COUNTERS},
                   {name: {int(hour): n for hour, n in histograms.get(name, {}).items()} for name in DURATIONS})

    def __eq__(self, other):
        return isinstance(other, Figures) and self.as_fields() == other.as_fields()

    def __repr__(self):
        return f"Figures({dict(+self.counts)})"


def total(figures):
    result = Figures()
    for item in figures:
        result.add(item)
    return result


# --- from the raw tables --------------------------------------------------------------------------

def _answered_only(field):
    from metrics.selectors import answered_only

    return answered_only(field)


DURATION_COLUMNS = {
    "response_working": lambda: _answered_only("response_working_seconds"),
    "response_calendar": lambda: _answered_only("response_calendar_seconds"),
    "intake_working": lambda: _q_value("intake_working_seconds"),
    "intake_calendar": lambda: _q_value("intake_calendar_seconds"),
}


def _q_value(field):
    return F(field)


def _keys(by_day, time_field, agency_field, member_field=None):
    # Without agencies every row falls in one group (a constant is never grouped on): no join from
    # an event or a submission to its case just to learn the agency.
    keys = {"a": F(agency_field) if agency_field else Value(EVERY_AGENCY, output_field=IntegerField())}
    if by_day:
        keys["d"] = TruncDate(time_field, tzinfo=LOCAL_TZ)
    if member_field:
        keys["m"] = F(member_field)
    return keys


def _key(row, by_day):
    agency = row["a"] if row["a"] is not None else NO_AGENCY
    key = (row["d"], agency) if by_day else (agency,)
    if "m" in row:
        key += (row["m"] if row["m"] is not None else NO_MEMBER,)
    return key if len(key) > 1 else agency


def no_scope(prefix=""):
    return Q()


def figures_from_rows(*, start, end, cases=no_scope, by_day=True, by_agency=True, member=None,
                      durations=DURATIONS, actions=True):
    """``{(local day, agency key): Figures}`` (or ``{agency key: Figures}`` without ``by_day``) for
    what happened in ``[start, end)``, over the cases matching ``cases(prefix)`` (a Q over cases
    reached through ``prefix``, as ``metrics.scope.case_conditions`` builds). Without
    ``by_agency`` everything is one group, ``EVERY_AGENCY``. With ``member`` (a key of
    ``MEMBER_COLUMNS``) each key ends with the case's member (``NO_MEMBER`` for none). Only the
    histograms of ``durations`` are computed, and the officials' actions only with ``actions``.
    Seven grouped queries at most, whatever the number of rows."""
    result = {}

    def at(row):
        key = _key(row, by_day)
        figures = result.get(key)
        if figures is None:  # not setdefault: a histogram's hundreds of rows would each build a Figures
            figures = result[key] = Figures()
        return figures

    case_agency, linked_agency = ("agency_id", "case__agency_id") if by_agency else (None, None)
    column = MEMBER_COLUMNS[member] if member else None
    linked = f"case__{column}" if member else None
    _case_counters(at, start, end, cases, _keys(by_day, "submitted_at", case_agency, column))
    _case_histograms(at, start, end, cases, _keys(by_day, "submitted_at", case_agency, column), durations)
    _submission_counters(at, start, end, cases, _keys(by_day, "submitted_at", linked_agency, linked))
    if actions:
        _staff_action_counters(at, start, end, cases, _keys(by_day, "created_at", linked_agency, linked))
    return {key: figures for key, figures in result.items() if not figures.is_empty()}


def member_figures(*, start, end, member, cases=no_scope, by_day=True, by_agency=True):
    """``figures_from_rows`` split by a dimension's member, with what the breakdown tables show."""
    return figures_from_rows(start=start, end=end, cases=cases, by_day=by_day, by_agency=by_agency,
                             member=member, durations=MEMBER_DURATIONS, actions=False)


def _period_cases(start, end, cases):
    return Case.objects.filter(cases(""), submitted_at__gte=start, submitted_at__lt=end).order_by()


def _case_counters(at, start, end, cases, keys):
    aggregates = {
        "cases": Count("pk"),
        "answered": Count("pk", filter=ANSWERED),
        "answered_on_time": Count("pk", filter=ANSWERED & Q(answered_on_time=True)),
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)),
    }
    for name, column in DURATION_COLUMNS.items():
        aggregates[f"{name}_n"] = Count(column())
        aggregates[f"{name}_sum"] = Sum(column())
    rows = _period_cases(start, end, cases).values(**keys).annotate(**aggregates)
    for row in rows:
        at(row).counts.update({name: row[name] or 0 for name in aggregates})


def _case_histograms(at, start, end, cases, keys, durations):
    """Every duration's histogram in one round trip: a grouped query per duration, joined by UNION ALL."""
    parts = []
    for index, name in enumerate(durations):
        hour = DURATION_COLUMNS[name]() / HOUR  # integer division of non-negative seconds: the whole hour
        # The duration's position is a constant column: it tells the rows apart and is not grouped on.
        parts.append(_period_cases(start, end, cases)
                     .annotate(h=_as_int(hour), which=Value(index, output_field=IntegerField()))
                     .filter(h__isnull=False).values("which", "h", **keys).annotate(n=Count("pk")))
    if not parts:
        return
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in rows:
        at(row).histograms[durations[row["which"]]][int(row["h"])] += row["n"]


def _as_int(expression):
    from django.db.models import ExpressionWrapper

    return ExpressionWrapper(expression, output_field=IntegerField())


def _submission_counters(at, start, end, cases, keys):
    counted = Q(device_class=MOBILE) & ~Q(case__state=State.WITHDRAWN)
    rows = (Submission.objects.filter(cases("case__"), submitted_at__gte=start, submitted_at__lt=end)
            .order_by().values(**keys)
            .annotate(submissions=Count("pk"), mobile_submissions=Count("pk", filter=Q(device_class=MOBILE)),
                      indicator_denominator=Count("pk", filter=counted),
                      indicator_numerator=Count("pk", filter=counted & Q(case__state__in=RESPONDED_STATES))))
    for row in rows:
        at(row).counts.update({name: row[name] for name in
                               ("submissions", "mobile_submissions", "indicator_denominator", "indicator_numerator")})


def _staff_action_counters(at, start, end, cases, keys):
    rows = (CaseEvent.objects.filter(cases("case__"), actor_kind=STAFF, created_at__gte=start,
                                     created_at__lt=end)
            .order_by().values(**keys)
            .annotate(staff_actions=Count("pk"), mobile_staff_actions=Count("pk", filter=Q(device_class=MOBILE))))
    for row in rows:
        at(row).counts.update({"staff_actions": row["staff_actions"], "mobile_staff_actions": row["mobile_staff_actions"]})


def day_bounds(day):
    """The instants a local day runs between."""
    from datetime import datetime, time

    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
