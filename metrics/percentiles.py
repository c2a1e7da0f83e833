"""Median, p90 and mean of columns, computed in the database, identical on PostgreSQL and SQLite.

The definition is PostgreSQL's ``percentile_cont``: sort a column's n non-null values, take
position ``p × (n − 1)`` (counting from 0) and interpolate linearly between the two values
around it.

Two SQL strategies compute it, each in one query however many columns and counts are asked for:

* ``ordered_set``: PostgreSQL's own ordered-set aggregate,
  ``percentile_cont(ARRAY[p, …]) WITHIN GROUP (ORDER BY x)`` (one sort per column);
* ``window``: portable SQL for databases without it (SQLite): number each column's rows with
  ``ROW_NUMBER() OVER (ORDER BY x NULLS LAST)``, count its values with ``COUNT(x) OVER ()``, and
  pick, in the same query, the value at ``floor(p × (n − 1))`` and the one after it. Only those
  two values (per column and group) leave the database; the interpolation that follows repeats
  PostgreSQL's arithmetic (``lo + frac × (hi − lo)`` in double precision), so both strategies
  give the same numbers.

Both run on PostgreSQL, which is how the tests prove they agree.
"""
import math

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Avg, Count, F, Field, FloatField, IntegerField, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import Cast

MEDIAN, P90 = 0.5, 0.9
DEFAULT_FRACTIONS = {"median": MEDIAN, "p90": P90}
ORDERED_SET, WINDOW = "ordered_set", "window"


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(ARRAY[p, …]) WITHIN GROUP (ORDER BY expression)``: one sort for
    all the fractions of a column, an array of values back (nulls are skipped)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = Field()  # a list of floats, as the driver returns float8[]

    def __init__(self, expression, fractions, **extra):
        fractions = [float(f) for f in fractions]
        if not all(0 <= f <= 1 for f in fractions):
            raise ValueError("A percentile's fraction lies between 0 and 1.")
        super().__init__(Cast(expression, FloatField()), fractions=", ".join(map(repr, fractions)), **extra)


def default_strategy(using="default"):
    return ORDERED_SET if connections[using].vendor == "postgresql" else WINDOW


def distribution(queryset, columns, *, fractions=None, group_by=None, counts=None, strategy=None):
    """Per column: how many values, their mean and percentiles, over ``queryset``'s rows.

    ``columns`` maps an output name to a field name or an expression; null values are left out
    of that column (so ``CASE WHEN answered THEN seconds END`` measures the answered rows only).
    ``counts`` maps names to ``Q`` conditions to count rows by, in the same query. ``group_by``
    is an expression (or field name) to group on. Returns ``{group: {"rows": n, "counts": {…},
    name: {"count": n, "mean": …, "median": …, "p90": …}}}`` with ``None`` as the only group
    when there is no grouping; values are floats, ``None`` where a column has no value; a group
    with no rows is absent.
    """
    fractions = dict(fractions or DEFAULT_FRACTIONS)
    columns = {name: _expression(column) for name, column in columns.items()}
    strategy = strategy or default_strategy(queryset.db)
    compute = _ordered_set if strategy == ORDERED_SET else _window
    return compute(queryset.order_by(), columns, fractions, group_by, dict(counts or {}))


def _expression(value):
    return F(value) if isinstance(value, str) else value


def _interpolate(fraction, n, low, high):
    """PostgreSQL's percentile_cont arithmetic on the values at floor(p(n−1)) and the next row."""
    if low is None:
        return None
    position = fraction * (n - 1)
    proportion = position - math.floor(position)
    if high is None or proportion == 0:
        return float(low)
    return float(low) + proportion * (float(high) - float(low))


def _float(value):
    return None if value is None else float(value)


# --- PostgreSQL: the ordered-set aggregate -------------------------------------------------------

def _ordered_set(queryset, columns, fractions, group_by, counts):
    aggregates = {"rows": Count("*")}
    for name, condition in counts.items():
        aggregates[f"count__{name}"] = Count("pk", filter=condition)
    for name, column in columns.items():
        aggregates[f"{name}__count"] = Count(column)
        aggregates[f"{name}__mean"] = Avg(column)
        aggregates[f"{name}__percentiles"] = PercentileCont(column, fractions.values())
    if group_by is None:
        rows = [{"k": None, **queryset.aggregate(**aggregates)}]
    else:
        rows = queryset.values(k=_expression(group_by)).annotate(**aggregates).order_by()
    return {row["k"]: _shape_ordered(row, columns, fractions, counts) for row in rows if row["rows"]}


def _shape_ordered(row, columns, fractions, counts):
    result = {"rows": row["rows"], "counts": {name: row[f"count__{name}"] for name in counts}}
    for name in columns:
        values = row[f"{name}__percentiles"] or [None] * len(fractions)
        result[name] = {"count": row[f"{name}__count"], "mean": _float(row[f"{name}__mean"]),
                        **{label: _float(value) for label, value in zip(fractions, values)}}
    return result


# --- Portable: window functions ------------------------------------------------------------------

def _window(queryset, columns, fractions, group_by, counts):
    aliases = {name: f"v{i}" for i, name in enumerate(columns)}
    flags = {name: f"c{i}" for i, name in enumerate(counts)}
    values = {aliases[name]: column for name, column in columns.items()}
    values.update({flags[name]: CaseWhen(When(condition, then=Value(1)), default=Value(0),
                                         output_field=IntegerField()) for name, condition in counts.items()})
    if group_by is not None:
        values["k"] = _expression(group_by)
    try:
        inner, inner_params = queryset.values(**values).query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. .none(): nothing to rank
        return {}
    sql, params = _window_sql(inner, list(aliases.values()), list(flags.values()), fractions,
                              grouped=group_by is not None)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])  # the picks come before the inner query
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    return {row["k"]: _shape_window(row, aliases, flags, fractions) for row in rows}


def _window_sql(inner, aliases, flags, fractions, *, grouped):
    partition = "PARTITION BY k " if grouped else ""
    ranked = []
    picks, params = ["COUNT(*) AS rows_"], []
    for a in aliases:
        ranked.append(f"{a}, ROW_NUMBER() OVER ({partition}ORDER BY {a} NULLS LAST) - 1 AS r_{a}, "
                      f"COUNT({a}) OVER ({partition.strip()}) AS n_{a}")
        picks.append(f"MAX(n_{a}) AS n_{a}, AVG({a}) AS m_{a}")
        for i, fraction in enumerate(fractions.values()):
            # The rows at floor(p(n-1)) and after it, without FLOOR (SQLite may lack it).
            picks.append(f"MAX(CASE WHEN r_{a} <= %s * (n_{a} - 1) AND %s * (n_{a} - 1) < r_{a} + 1 "
                         f"THEN {a} END) AS lo{i}_{a}")
            picks.append(f"MAX(CASE WHEN r_{a} - 1 <= %s * (n_{a} - 1) AND %s * (n_{a} - 1) < r_{a} "
                         f"THEN {a} END) AS hi{i}_{a}")
            params += [float(fraction)] * 4
    picks += [f"SUM({c}) AS s_{c}" for c in flags]
    selected = ", ".join(ranked + list(flags) + (["k"] if grouped else []))
    key = "k" if grouped else "NULL"
    sql = (f"SELECT {key} AS k, {', '.join(picks)} FROM (SELECT {selected} FROM ({inner}) base) ranked"
           + (" GROUP BY k" if grouped else "") + " HAVING COUNT(*) > 0")
    return sql, params


def _shape_window(row, aliases, flags, fractions):
    result = {"rows": row["rows_"], "counts": {name: int(row[f"s_{c}"] or 0) for name, c in flags.items()}}
    for name, a in aliases.items():
        n = row[f"n_{a}"] or 0
        result[name] = {"count": n, "mean": _float(row[f"m_{a}"]), **{
            label: _interpolate(fraction, n, row[f"lo{i}_{a}"], row[f"hi{i}_{a}"]) if n else None
            for i, (label, fraction) in enumerate(fractions.items())}}
    return result


# --- From a histogram of whole hours (the stored aggregates) --------------------------------------

# Each stored value is known to its whole hour; it is read as the middle of that hour, so it is
# off by at most half an hour, and so is any interpolation between two of them.
HISTOGRAM_ERROR_HOURS = 0.5


def from_hour_histogram(histogram, fraction):
    """``percentile_cont(fraction)`` in seconds, within ``HISTOGRAM_ERROR_HOURS``, over values known
    by their whole hour (``{hour: count}``); None without values."""
    n = sum(histogram.values())
    if not n:
        return None
    position = fraction * (n - 1)
    low_rank = math.floor(position)
    low = _value_at(histogram, low_rank)
    if position == low_rank:
        return low
    return low + (position - low_rank) * (_value_at(histogram, low_rank + 1) - low)


def _value_at(histogram, rank):
    """The middle of the hour holding the value of ``rank`` (from 0) in ascending order, in seconds."""
    seen = 0
    for hour in sorted(histogram):
        seen += histogram[hour]
        if rank < seen:
            return (hour + 0.5) * 3600
    raise IndexError(rank)
