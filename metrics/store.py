"""The stored aggregates (``metrics.models.DailyFigures``): kept up to date after every change, rebuilt
and checked by ``manage.py metrics_rebuild``, and read by the selectors instead of history.

Keeping up. Every new case event or submission (``workflow.signals``: a case opened, a
transition, a merge) marks its case; once the change commits, ``refresh_cases`` recomputes the
*leaves* it touched (each local day × agency the case, its submissions and its officials' actions
count under, for every agency the case was ever held by) from the raw tables, then the rows made
from them (the province's day, the agency's and the province's month), each with its rows per
category and per ward (the breakdown tables' members). A leaf is recomputed, not
adjusted: refreshing twice changes nothing, and a refresh that was missed (a crash after commit,
a muted bus) is repaired by the next change of any case on that day and agency, or by a rebuild.
Each total row and its members are written in their own short transaction under the total row's
lock, reading only once the lock is held, so of two refreshes of one row the later one reads what
both saw.

Reading. ``stored_groups`` answers for a period and the viewer's scope when the store is built
(``StoreStatus``) and no filter other than the agency is asked (a category, ward, channel or device
is computed live): whole months before this one from month rows, the other days before today
from day rows, and today live from the raw tables, so the current day is always exact; in one
total (the summary) or per agency, month, category or ward (the trend and breakdown tables).
"""
import logging
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from metrics.figures import Figures, day_bounds, figures_from_rows, member_figures, total
from metrics.models import (COUNTERS, DAY, DIMENSIONS, DURATIONS, EVERY_AGENCY, MONTH, NO_AGENCY, TOTAL,
                            DailyFigures, StoreStatus)
from workflow.models import Case, CaseEvent, Submission
from workflow.working_time import LOCAL_TZ

log = logging.getLogger(__name__)


def month_of(day):
    return day.replace(day=1)


def next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def local_day(moment):
    return timezone.localtime(moment, LOCAL_TZ).date()


# --- writing one row and its members ---------------------------------------------------------------

def _write(grain, day, agency_key, compute):
    """Lock the total row (created empty if missing), compute the figures of the total and of every
    member now (``{(dimension, member): Figures}``), store them and drop the members no longer
    there (or every row when the total is empty). Whoever writes a row's members holds its total's lock."""
    with transaction.atomic():
        DailyFigures.objects.bulk_create([DailyFigures(grain=grain, day=day, agency_key=agency_key)],
                                         ignore_conflicts=True)
        row = DailyFigures.objects.select_for_update().get(grain=grain, day=day, agency_key=agency_key,
                                                           dimension="", member=0)
        family = {key: figures for key, figures in compute().items() if not figures.is_empty()}
        DailyFigures.objects.filter(grain=grain, day=day, agency_key=agency_key).exclude(pk=row.pk).delete()
        figures = family.pop(TOTAL, None)
        if figures is None:
            row.delete()
            return
        for name, value in figures.as_fields().items():
            setattr(row, name, value)
        row.save()
        DailyFigures.objects.bulk_create([
            DailyFigures(grain=grain, day=day, agency_key=agency_key, dimension=dimension, member=member,
                         **figures.as_fields()) for (dimension, member), figures in family.items()])


def _agency_scope(agency_key):
    def scope(prefix=""):
        if agency_key == NO_AGENCY:
            return Q(**{f"{prefix}agency__isnull": True})
        return Q(**{f"{prefix}agency_id": agency_key})
    return scope


def _leaf(day, agency_key):
    """One day of one agency: its total and its members, from the raw tables."""
    start, end = day_bounds(day)
    scope = _agency_scope(agency_key)
    found = figures_from_rows(start=start, end=end, cases=scope, by_day=False)
    family = {TOTAL: found.get(agency_key, Figures())}
    for dimension in DIMENSIONS:
        for (_agency, member), figures in member_figures(start=start, end=end, member=dimension, cases=scope,
                                                         by_day=False, by_agency=False).items():
            family[(dimension, member)] = figures
    return family


def summed(rows, group=("dimension", "member"), durations=DURATIONS):
    """``{group values: Figures}``: the stored ``rows`` (a queryset) added up in the database, the
    counters by SUM and the hour histograms of ``durations`` key by key."""
    result = {}
    sums = {f"sum_{name}": Sum(name) for name in COUNTERS}
    sums = rows.order_by().values(*group).annotate(**sums) if group else [rows.aggregate(**sums)]
    for row in sums:
        if row["sum_cases"] is None and row["sum_submissions"] is None:
            continue  # no row at all
        key = tuple(row[name] for name in group)
        result[key] = Figures({name: row[f"sum_{name}"] or 0 for name in COUNTERS})
    if durations and result:
        for *key, name, hour, n in _summed_histograms(rows, group, durations):
            figures = result.get(tuple(key))
            if figures is not None:
                figures.histograms[name][int(hour)] += n
    return result


def _summed_histograms(rows, group, durations):
    """``(group values…, duration, hour, count)`` rows: the histograms of ``durations`` of the
    stored ``rows`` added up hour by hour in the database (JSON functions of PostgreSQL or SQLite)."""
    inner, params = rows.order_by().values(*group, "histograms").query.sql_with_params()
    names = " UNION ALL ".join(["SELECT %s AS name"] * len(durations))
    if connection.vendor == "postgresql":
        each, value = 'jsonb_each_text(r."histograms" -> d.name)', "CAST(h.value AS integer)"
    else:
        each, value = "json_each(r.\"histograms\", '$.' || d.name)", "h.value"
    columns = "".join(f'r."{name}", ' for name in group)
    sql = (f"SELECT {columns}d.name, h.key, SUM({value}) FROM ({inner}) r CROSS JOIN ({names}) d, {each} h "
           f"GROUP BY {columns}d.name, h.key")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *durations])
        return cursor.fetchall()


def refresh_leaves(leaves):
    """Recompute the leaves ``{(day, agency key)}`` from the raw tables, then the rows built on them."""
    for day, agency_key in sorted(leaves):
        _write(DAY, day, agency_key, lambda: _leaf(day, agency_key))
    for day in sorted({day for day, _ in leaves}):
        _write(DAY, day, EVERY_AGENCY, lambda: summed(DailyFigures.objects.filter(
            grain=DAY, day=day, agency_key__gte=NO_AGENCY)))
    for month, agency_key in sorted({(month_of(day), key) for day, key in leaves} |
                                    {(month_of(day), EVERY_AGENCY) for day, _ in leaves}):
        _write(MONTH, month, agency_key, lambda: summed(DailyFigures.objects.filter(
            grain=DAY, day__gte=month, day__lt=next_month(month), agency_key=agency_key)))


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

def _months():
    """The months the raw tables may hold something in: from the first case's to today's."""
    first = Case.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first is None:
        return
    month, last = month_of(local_day(first) - timedelta(days=1)), month_of(timezone.localdate() + timedelta(days=1))
    while month <= last:
        yield month
        month = next_month(month)


def computed_month(month):
    """Every row the store should hold for one month, computed from the raw tables:
    ``{(grain, day, agency key, dimension, member): Figures}``."""
    start, end = day_bounds(month)[0], day_bounds(next_month(month))[0]
    leaves = {(day, agency_key, *TOTAL): figures
              for (day, agency_key), figures in figures_from_rows(start=start, end=end).items()}
    for dimension in DIMENSIONS:
        for (day, agency_key, member), figures in member_figures(start=start, end=end, member=dimension).items():
            leaves[(day, agency_key, dimension, member)] = figures
    rows = {}
    for (day, agency_key, dimension, member), figures in leaves.items():
        for grain, first, key in ((DAY, day, agency_key), (DAY, day, EVERY_AGENCY),
                                  (MONTH, month, agency_key), (MONTH, month, EVERY_AGENCY)):
            rows.setdefault((grain, first, key, dimension, member), Figures()).add(figures)
    return rows


def computed_rows():
    """Every row the store should hold, computed from the raw tables (all months at once: for tests;
    ``rebuild`` and ``check`` go a month at a time)."""
    rows = {}
    for month in _months():
        rows.update(computed_month(month))
    return rows


def stored_rows(month=None):
    """The stored rows (of one month, when given), keyed as ``computed_month``'s."""
    rows = DailyFigures.objects.all()
    if month is not None:
        rows = rows.filter(day__gte=month, day__lt=next_month(month))
    return {(row["grain"], row["day"], row["agency_key"], row["dimension"], row["member"]): Figures.from_row(row)
            for row in rows.values()}


def differences(expected, found):
    """The keys whose stored figures differ from the computed ones (missing rows count as empty)."""
    return sorted(key for key in expected.keys() | found.keys()
                  if expected.get(key, Figures()) != found.get(key, Figures()))


def check():
    """``(differing keys, rows checked)``: every month recomputed and compared with what is stored
    (rows of days outside those months count as differing)."""
    differing, checked, months = [], 0, list(_months())
    for month in months:
        expected = computed_month(month)
        differing += differences(expected, stored_rows(month))
        checked += len(expected)
    outside = DailyFigures.objects.all()
    if months:
        outside = outside.exclude(day__gte=months[0], day__lt=next_month(months[-1]))
    differing += sorted(outside.values_list("grain", "day", "agency_key", "dimension", "member"))
    return differing, checked


def rebuild():
    """Replace the store with figures computed from the raw tables, a month at a time in one
    transaction during which refreshes wait (on PostgreSQL the table is locked), and mark it built.
    Returns the row count."""
    count = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DailyFigures._meta.db_table} IN EXCLUSIVE MODE")
        DailyFigures.objects.all().delete()
        for month in _months():
            rows = computed_month(month)
            DailyFigures.objects.bulk_create(
                [DailyFigures(grain=grain, day=day, agency_key=key, dimension=dimension, member=member,
                              **figures.as_fields())
                 for (grain, day, key, dimension, member), figures in rows.items()], batch_size=2000)
            count += len(rows)
        StoreStatus.objects.all().delete()
        StoreStatus.objects.create(built_at=timezone.now())
    return count


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
        agencies = agencies.filter(pk__in=filters.agency.subtree().values("pk"))
    return list(agencies.values_list("pk", flat=True))


def period_rows(date_from, date_to):
    """Q over stored rows for the days ``date_from``..``date_to`` (all before today): whole months
    as month rows, the rest as day rows."""
    months, q, day = [], Q(pk__in=[]), date_from
    while day <= date_to:
        month_end = next_month(day) - timedelta(days=1)
        if day.day == 1 and month_end <= date_to:
            months.append(day)
            day = month_end + timedelta(days=1)
        else:  # a month's first or last part: at most two such stretches
            last = min(month_end, date_to)
            q |= Q(grain=DAY, day__gte=day, day__lte=last)
            day = last + timedelta(days=1)
    # The whole months as one IN list: a short query to build and plan, whatever the period's length.
    return q | Q(grain=MONTH, day__in=months) if months else q


GROUPS = ("agency", "month", *DIMENSIONS)


def stored_figures(*, filters, actor, today=None):
    """The period's ``Figures`` for the viewer from the store (today live), or None when the store
    cannot answer (not built, or filters it does not cover)."""
    return stored_groups(filters=filters, actor=actor, today=today)


def stored_groups(*, filters, actor, group=None, durations=DURATIONS, today=None):
    """The period's figures for the viewer from the store (today live), or None when the store
    cannot answer (not built, or filters it does not cover). Without ``group`` one ``Figures``;
    otherwise ``{key: Figures}`` per group (``GROUPS``): each agency on its own (its key;
    ``NO_AGENCY`` for the cases no agency holds), each month (its first day), each category or
    ward (its id; ``NO_MEMBER`` for none). Only the histograms of ``durations`` are read, and a
    group's figures hold what the breakdown tables show (members' rows and today's live part
    count the officials' actions only without ``group``)."""
    if not covers(filters) or not is_built():
        return None
    if group is not None and group not in GROUPS:
        raise ValueError(f"Unknown group: {group}")
    today = today or timezone.localdate()
    keys = agency_keys(filters, actor)
    result = {}

    def add(key, figures):
        result.setdefault(key, Figures()).add(figures)

    last_stored = min(filters.date_to, today - timedelta(days=1))
    if keys and filters.date_from <= last_stored:
        rows = DailyFigures.objects.filter(period_rows(filters.date_from, last_stored),
                                           dimension=group if group in DIMENSIONS else "")
        if group == "agency" and keys == [EVERY_AGENCY]:
            rows = rows.filter(agency_key__gte=NO_AGENCY)  # every agency's own rows, and no agency's
        else:
            rows = rows.filter(agency_key__in=keys)
        fields = {None: (), "agency": ("agency_key",), "month": ("day",)}.get(group, ("member",))
        for key, figures in summed(rows, fields, durations).items():
            add(month_of(key[0]) if group == "month" else (key[0] if key else None), figures)
    if filters.date_from <= today <= filters.date_to:
        for key, figures in _today_live(filters, actor, group, durations, today).items():
            add(key, figures)
    return result if group else result.get(None, Figures())


def _today_live(filters, actor, group, durations, today):
    from metrics.scope import case_conditions

    start, end = day_bounds(today)
    found = figures_from_rows(start=start, end=end, by_day=False, by_agency=group == "agency",
                              member=group if group in DIMENSIONS else None, durations=durations,
                              actions=group is None, cases=lambda prefix="": case_conditions(filters, actor, prefix))
    if group in DIMENSIONS:
        return {member: figures for (_agency, member), figures in found.items()}
    if group == "agency":
        return found
    return {month_of(today) if group == "month" else None: total(found.values())}
