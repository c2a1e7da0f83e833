"""The stored aggregates (``metrics.models.DailyFigures``): kept up to date after every change, rebuilt
and checked by ``manage.py metrics_rebuild``, and read by the selectors instead of history.

Keeping up. Every new case event or submission (``workflow.signals``: a case opened, a
transition, a merge) marks its case; once the change commits, ``refresh_cases`` recomputes the
*leaves* it touched (each local day × agency the case, its submissions and its officials' actions
count under, for every agency the case was ever held by) from the raw tables, then the rows made
from them (the province's day, the agency's and the province's month). A leaf is recomputed, not
adjusted: refreshing twice changes nothing, and a refresh that was missed (a crash after commit,
a muted bus) is repaired by the next change of any case on that day and agency, or by a rebuild.
Each row is written in its own short transaction under that row's lock, reading the raw tables
only once the lock is held, so of two refreshes of one row the later one reads what both saw.

Reading. ``stored_figures`` answers for a period and the viewer's scope when the store is built
(``StoreStatus``) and no filter other than the agency is asked (a category, ward, channel or device
is computed live): whole months before this one from month rows, the other days before today
from day rows, and today live from the raw tables, so the current day is always exact.
"""
import logging
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from metrics.figures import Figures, day_bounds, figures_from_rows, total
from metrics.models import DAY, EVERY_AGENCY, MONTH, NO_AGENCY, DailyFigures, StoreStatus
from workflow.models import Case, CaseEvent, Submission
from workflow.working_time import LOCAL_TZ

log = logging.getLogger(__name__)


def month_of(day):
    return day.replace(day=1)


def next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_day(moment):
    return timezone.localtime(moment, LOCAL_TZ).date()


# --- writing one row ------------------------------------------------------------------------------

def _write(grain, day, agency_key, compute):
    """Lock the row (created empty if missing), compute its figures now, store them (or drop an
    empty row)."""
    with transaction.atomic():
        DailyFigures.objects.bulk_create([DailyFigures(grain=grain, day=day, agency_key=agency_key)],
                                         ignore_conflicts=True)
        row = DailyFigures.objects.select_for_update().get(grain=grain, day=day, agency_key=agency_key)
        figures = compute()
        if figures.is_empty():
            row.delete()
            return
        for name, value in figures.as_fields().items():
            setattr(row, name, value)
        row.save()


def _agency_scope(agency_key):
    def scope(prefix=""):
        if agency_key == NO_AGENCY:
            return Q(**{f"{prefix}agency__isnull": True})
        return Q(**{f"{prefix}agency_id": agency_key})
    return scope


def _leaf(day, agency_key):
    start, end = day_bounds(day)
    found = figures_from_rows(start=start, end=end, cases=_agency_scope(agency_key), by_day=False)
    return found.get(agency_key, Figures())


def _stored_sum(**lookup):
    return total(Figures.from_row(row) for row in DailyFigures.objects.filter(**lookup).values())


def refresh_leaves(leaves):
    """Recompute the leaves ``{(day, agency key)}`` from the raw tables, then the rows built on them."""
    for day, agency_key in sorted(leaves):
        _write(DAY, day, agency_key, lambda: _leaf(day, agency_key))
    for day in sorted({day for day, _ in leaves}):
        _write(DAY, day, EVERY_AGENCY, lambda: _stored_sum(grain=DAY, day=day, agency_key__gte=NO_AGENCY))
    for month, agency_key in sorted({(month_of(day), key) for day, key in leaves} |
                                    {(month_of(day), EVERY_AGENCY) for day, _ in leaves}):
        _write(MONTH, month, agency_key, lambda: _stored_sum(
            grain=DAY, day__gte=month, day__lt=next_month(month), agency_key=agency_key))


def leaves_of_cases(case_ids):
    """Every (local day, agency key) the cases count under now or counted under before: the days of
    the cases, their submissions and their officials' actions, for every agency that held them
    (their events remember each) and that held the cases merged into them."""
    cases = list(Case.objects.filter(pk__in=case_ids).values_list("pk", "submitted_at", "agency_id"))
    if not cases:
        return set()
    ids = [pk for pk, _s, _a in cases]
    days = {local_day(submitted) for _pk, submitted, _a in cases}
    days |= {local_day(at) for at in Submission.objects.filter(case_id__in=ids).values_list("submitted_at", flat=True)}
    days |= {local_day(at) for at in CaseEvent.objects.filter(case_id__in=ids, actor_kind="staff")
             .values_list("created_at", flat=True)}
    agencies = {agency for _pk, _s, agency in cases}
    agencies |= set(CaseEvent.objects.filter(case_id__in=ids).values_list("agency_id", flat=True).distinct())
    agencies |= set(Case.objects.filter(merged_into_id__in=ids).values_list("agency_id", flat=True).distinct())
    keys = {NO_AGENCY if agency is None else agency for agency in agencies}
    return {(day, key) for day in days for key in keys}


def refresh_cases(case_ids):
    """After a change has committed: bring every row the cases touch up to date (never raises:
    a failed refresh is repaired by the next one, or by ``metrics_rebuild``)."""
    if not is_built():
        return
    try:
        refresh_leaves(leaves_of_cases(case_ids))
    except Exception:
        log.exception("metrics: could not refresh the stored figures of cases %s", sorted(case_ids))


# --- rebuilding and checking ----------------------------------------------------------------------

def computed_rows():
    """Every row the store should hold, computed from the raw tables: ``{(grain, day, agency key): Figures}``."""
    first = Case.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first is None:
        return {}
    start = day_bounds(local_day(first) - timedelta(days=1))[0]
    end = day_bounds(timezone.localdate() + timedelta(days=2))[0]
    rows = {}
    for (day, agency_key), figures in figures_from_rows(start=start, end=end).items():
        for key in ((DAY, day, agency_key), (DAY, day, EVERY_AGENCY),
                    (MONTH, month_of(day), agency_key), (MONTH, month_of(day), EVERY_AGENCY)):
            rows.setdefault(key, Figures()).add(figures)
    return rows


def stored_rows():
    return {(row["grain"], row["day"], row["agency_key"]): Figures.from_row(row)
            for row in DailyFigures.objects.values()}


def differences(expected, found):
    """The keys whose stored figures differ from the computed ones (missing rows count as empty)."""
    return sorted(key for key in expected.keys() | found.keys()
                  if expected.get(key, Figures()) != found.get(key, Figures()))


def rebuild():
    """Replace the store with figures computed from the raw tables, as one transaction during which
    refreshes wait (on PostgreSQL the table is locked), and mark it built. Returns the row count."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyFigures._meta.db_table} IN EXCLUSIVE MODE")
        rows = computed_rows()
        DailyFigures.objects.all().delete()
        DailyFigures.objects.bulk_create(
            [DailyFigures(grain=grain, day=day, agency_key=key, **figures.as_fields())
             for (grain, day, key), figures in rows.items()], batch_size=2000)
        StoreStatus.objects.all().delete()
        StoreStatus.objects.create(built_at=timezone.now())
    return len(rows)


def is_built():
    return StoreStatus.objects.exists()


# --- reading --------------------------------------------------------------------------------------

def covers(filters):
    """Whether the store can answer these filters (the agency yes; category, ward, channel, device no)."""
    return not (filters.category or filters.ward or filters.channel or filters.device)


def agency_keys(filters, actor):
    """The agency keys summed for the viewer and the agency filter: the province's row when the
    viewer sees every case and no agency is asked, else each agency within both."""
    from metrics.scope import case_scope
    from workflow.models import Agency
    from workflow.visibility import figure_agencies, figures_reach

    case_scope(actor)  # refuses anyone whose figures count nothing, as the live selectors do
    # What the viewer's figures count (``figures_reach``): what staff see; every case for the
    # public's published figures, which thus read the province's row like a province supervisor.
    if figures_reach(actor).every_case and filters.agency is None:
        return [EVERY_AGENCY]
    agencies = figure_agencies(actor, active_only=False)
    if filters.agency is not None:
        agencies = agencies.filter(path__startswith=filters.agency.path)
    return list(agencies.values_list("pk", flat=True))


def period_rows(date_from, date_to):
    """Q over stored rows for the days ``date_from``..``date_to`` (all before today): whole months
    as month rows, the rest as day rows."""
    q, day = Q(pk__in=[]), date_from
    while day <= date_to:
        month_end = next_month(day) - timedelta(days=1)
        if day.day == 1 and month_end <= date_to:
            q |= Q(grain=MONTH, day=day)
            day = month_end + timedelta(days=1)
        else:
            last = min(month_end, date_to)
            q |= Q(grain=DAY, day__gte=day, day__lte=last)
            day = last + timedelta(days=1)
    return q


def stored_figures(*, filters, actor, today=None):
    """The period's ``Figures`` for the viewer from the store (today live), or None when the store
    cannot answer (not built, or filters it does not cover)."""
    if not covers(filters) or not is_built():
        return None
    from metrics.scope import case_conditions

    today = today or timezone.localdate()
    keys = agency_keys(filters, actor)
    result = Figures()
    last_stored = min(filters.date_to, today - timedelta(days=1))
    if keys and filters.date_from <= last_stored:
        rows = DailyFigures.objects.filter(period_rows(filters.date_from, last_stored), agency_key__in=keys)
        result = total(Figures.from_row(row) for row in rows.values())
    if filters.date_from <= today <= filters.date_to:
        start, end = day_bounds(today)
        live = figures_from_rows(start=start, end=end, by_day=False, by_agency=False,
                                 cases=lambda prefix="": case_conditions(filters, actor, prefix))
        result.add(total(live.values()))
    return result
