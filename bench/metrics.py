"""Benchmark of the metrics summary against hand-written SQL computing the same figures, in the same run.

    python bench/metrics.py --cases 100000                       # SQLite file in /tmp
    python bench/metrics.py --cases 1000000 --db postgres        # $DATABASE_URL or pakn_bench
    ... --json                                                   # one JSON object as the last line

Generates N cases and their submissions (and one staff action per case that was acted on) over
the last ``--history-months`` (default 24) months, ids in time order as real traffic leaves them,
straight into the tables in batches (COPY on PostgreSQL, executemany on SQLite): the bench data
bypasses the workflow services (running a million cases through them would take hours), so
states, timestamps and stored durations are drawn to look like real traffic. Data is kept between runs when the case count matches (``--fresh`` regenerates). Since
the rows bypassed the workflow's bus, the stored aggregates are then rebuilt
(``metrics.store.rebuild``, timed), and ANALYZE gives the planner its statistics.

The data is made as of 16:00 (Vietnam) on the day it is generated, and every run is timed as of
that moment (the clock travels there, ``time_machine``): what is read live (today's cases,
submissions and officials' actions; the open backlog) is then two thirds of a day's traffic
whatever the hour the bench runs at or the day it reuses the data. A case whose reception or
answer would come after that moment is still waiting for it (submitted, or in progress).

Then, for the last ``--months`` months (default 12), as the reception officer (the whole province)
and as the supervisor of one department (its subtree), min and median of ``--repeat`` runs each
after a warm-up:
  * ``summary``: every figure of GET /api/v1/metrics/summary/ (``metrics.selectors.summary``);
  * ``hand-written SQL``: the baseline, the same figures by four plain SQL queries over the raw
    tables with exact percentiles (percentile_cont on PostgreSQL);
checks that every count agrees and every median and p90 lies within the stated half hour of the
exact one, and prints the ratio summary ÷ hand-written.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_postgres_database, use_bench_settings  # noqa: E402

BATCH = 5000
AS_OF_HOUR = 16  # local: most of a working day's traffic in, what a supervisor's afternoon sees
STATES = [  # (state, weight): a province some years in, most cases handled
    ("closed", 46), ("answered", 18), ("rejected", 6), ("in_progress", 8), ("assigned", 4), ("submitted", 5),
    ("needs_info", 2), ("pending_approval", 2), ("withdrawn", 5), ("merged", 4),
]
OPEN = {"submitted", "needs_info", "assigned", "in_progress", "pending_approval"}
DEVICES = [("mobile", 74), ("desktop", 20), ("tablet", 4), ("unknown", 2)]
CHANNELS = [("web", 80), ("api", 12), ("hotline", 6), ("open311", 2)]
RATINGS = [("", 50), ("satisfied", 30), ("acceptable", 12), ("dissatisfied", 8)]


def parse_args():
    return argument_parser(__doc__.split("\n")[0]).parse_args()


def argument_parser(description):
    """The options every bench over this data takes (``bench/dashboard.py`` too)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", help="PostgreSQL database name (default: from $DATABASE_URL or pakn_bench)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--months", type=int, default=12, help="the period timed: the last N months")
    parser.add_argument("--history-months", type=int, default=24,
                        help="how far back the generated cases go (more months: the same daily volume, longer history)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the stored aggregates even if built")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return parser


def configure(args):
    use_bench_settings()
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:////tmp/pakn-bench-metrics-{args.cases}.sqlite3"
    else:
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pakn_bench")
        if args.database:
            os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + args.database
        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- progress on stderr ---------------------------------------------------------------------------

def progress(label, done, total, started):
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} "
                     f"{rate:,.0f}/s")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


# --- data -----------------------------------------------------------------------------------------

def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def reference_data():
    """A province: root, reception centre, 12 departments with 2 units each; 99 wards; 20 categories."""
    from django.contrib.auth.models import User

    from core.models import Category, Ward
    from workflow.models import Agency, Membership

    root, _ = Agency.objects.get_or_create(code="bench-tinh", defaults={"name_vi": "UBND tỉnh", "kind": "other"})
    reception, _ = Agency.objects.get_or_create(code="bench-ttpvhcc", defaults={
        "name_vi": "Trung tâm Phục vụ hành chính công", "kind": "reception", "parent": root})
    agencies = []
    for d in range(12):
        dept, _ = Agency.objects.get_or_create(code=f"bench-so-{d}", defaults={
            "name_vi": f"Sở {d}", "kind": "department", "parent": root})
        agencies.append(dept)
        for u in range(2):
            unit, _ = Agency.objects.get_or_create(code=f"bench-so-{d}-{u}", defaults={
                "name_vi": f"Đơn vị {d}.{u}", "kind": "other", "parent": dept})
            agencies.append(unit)
    wards = [Ward.objects.get_or_create(code=f"b{w:04d}", defaults={
        "name": f"Phường {w}", "division_type": "phường", "province_code": 24})[0] for w in range(99)]
    categories = [Category.objects.get_or_create(code=f"bench-cat-{c}", defaults={
        "name_vi": f"Lĩnh vực {c}"})[0] for c in range(20)]
    user, _ = User.objects.get_or_create(username="bench-tiepnhan")
    Membership.objects.get_or_create(user=user, agency=reception, role="reception")
    supervisor, _ = User.objects.get_or_create(username="bench-giamsat-so")
    Membership.objects.get_or_create(user=supervisor, agency=agencies[0], role="supervisor")
    return {"agencies": [a.pk for a in agencies], "wards": [w.pk for w in wards],
            "categories": [c.pk for c in categories], "user": user, "supervisor": supervisor}


class Table:
    """One table's columns, with every column's default, so a row is a dict of what differs."""

    def __init__(self, model, connection):
        fields = model._meta.concrete_fields
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.defaults = {f.column: _default(f) for f in fields}
        self.datetimes = [f.column for f in fields if f.get_internal_type() == "DateTimeField"]
        self.connection = connection

    def tuples(self, rows):
        adapt = self.connection.ops.adapt_datetimefield_value
        for values in rows:
            row = {**self.defaults, **values}
            if self.connection.vendor != "postgresql":  # SQLite stores UTC text
                for column in self.datetimes:
                    if row[column] is not None:
                        row[column] = adapt(row[column])
            yield [row[c] for c in self.columns]

    def insert(self, rows):
        """COPY on PostgreSQL, executemany on SQLite: no ORM work per value."""
        columns = ", ".join(self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN") as copy:
                    for row in self.tuples(rows):
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.name} ({columns}) VALUES ({marks})", list(self.tuples(rows)))


def _default(field):
    if field.get_internal_type() == "JSONField":
        return json.dumps(field.get_default())
    return None if field.primary_key else field.get_default()


def generate(n, ref, now, history_months):
    from django.db import connection, transaction

    from workflow.models import Case, CaseEvent, Submission

    tables = {model: Table(model, connection) for model in (Case, Submission, CaseEvent)}
    rng = random.Random(2026)
    span = history_months * 30 * 86400
    started, made, counters = time.monotonic(), 0, {"submission": 0, "event": 0}
    while made < n:
        size = min(BATCH, n - made)
        cases, submissions, events = [], [], []
        for pk in range(made + 1, made + size + 1):
            case = bench_case(rng, pk, submitted_at(rng, pk, n, span, now), now, ref)
            cases.append(case)
            submissions += bench_submissions(rng, case, counters)
            if case["received_at"]:
                counters["event"] += 1
                events.append({"id": counters["event"], "case_id": pk, "transition": "route",
                               "from_state": "submitted", "to_state": "assigned", "actor_id": ref["user"].pk,
                               "actor_kind": "staff", "created_at": case["received_at"],
                               "device_class": pick(rng, DEVICES)})
        with transaction.atomic():
            tables[Case].insert(cases)
            tables[Submission].insert(submissions)
            tables[CaseEvent].insert(events)
        made += size
        progress("cases", made, n, started)


def submitted_at(rng, pk, n, span, now):
    """The ``pk``-th of ``n`` cases spread evenly over the last ``span`` seconds, at a random moment
    of its slot: ids follow time, as in a table filled by real traffic, so a day's cases lie together
    (today's in the newest pages) rather than scattered through the whole table."""
    slot = span / n
    return now - timedelta(seconds=span) + timedelta(seconds=int((pk - 1 + rng.random()) * slot))


def bench_case(rng, pk, submitted, now, ref):
    state = pick(rng, STATES)
    if state in OPEN and now - submitted > timedelta(days=60) and rng.random() < 0.97:
        state = pick(rng, [(s, w) for s, w in STATES if s not in OPEN])  # old cases are mostly done
    case = {"id": pk, "state": state, "kind": "on_site", "title": "Phản ánh mẫu", "submitted_at": submitted,
            "category_id": rng.choice(ref["categories"]), "ward_id": rng.choice(ref["wards"]), "updated_at": now,
            "reception_due_at": submitted + timedelta(hours=20), "received_at": None}
    if state in ("submitted", "needs_info"):
        case["due_at"] = None if state == "needs_info" else case["reception_due_at"]
        return case
    intake = rng.randint(600, 40 * 3600)
    if submitted + timedelta(seconds=intake) > now:  # not received yet
        case["state"], case["due_at"] = "submitted", case["reception_due_at"]
        return case
    case["received_at"] = submitted + timedelta(seconds=intake)
    case["intake_working_seconds"], case["intake_calendar_seconds"] = int(intake * 0.3), intake
    if state in ("rejected", "merged", "withdrawn"):
        if state == "rejected":
            case["response_working_seconds"], case["response_calendar_seconds"] = int(intake * 0.3), intake
        return case
    case["agency_id"] = rng.choice(ref["agencies"])
    case["handling_due_at"] = submitted + timedelta(days=7)
    if state in ("assigned", "in_progress", "pending_approval"):
        case["due_at"] = case["handling_due_at"]
        return case
    response = rng.randint(max(2 * 3600, intake + 600), 20 * 86400)
    if submitted + timedelta(seconds=response) > now:  # not answered yet
        case["state"], case["due_at"] = "in_progress", case["handling_due_at"]
        return case
    case["answered_at"] = submitted + timedelta(seconds=response)
    case["answered_on_time"] = case["answered_at"] <= case["handling_due_at"]
    case["response_working_seconds"], case["response_calendar_seconds"] = int(response * 0.3), response
    if state == "closed":
        case["rating"] = pick(rng, RATINGS)
    return case


def bench_submissions(rng, case, counters):
    """A merged case keeps no submission; one case in 25 also has a duplicate merged into it."""
    if case["state"] == "merged":
        return []
    duplicate = case["submitted_at"] + timedelta(hours=2)  # never after the data's moment (its updated_at)
    times = [case["submitted_at"]] + ([duplicate] if rng.random() < 0.04 and duplicate <= case["updated_at"] else [])
    rows = []
    for submitted in times:
        counters["submission"] += 1
        pk = counters["submission"]
        rows.append({"id": pk, "tracking_code": f"BN-B{pk:08d}", "private_key_hash": "0" * 64, "case_id": case["id"],
                     "kind": "on_site", "category_id": case["category_id"], "title": case["title"],
                     "description": "Mô tả mẫu.", "ward_id": case["ward_id"], "channel": pick(rng, CHANNELS),
                     "device_class": pick(rng, DEVICES), "submitted_at": submitted})
    return rows


# --- timing -----------------------------------------------------------------------------------------

# The baseline: what a competent engineer writes without this project's work, the same figures
# straight over the raw tables (four queries: submissions with their case, cases with exact
# percentiles, officials' actions, the backlog now).
SUBMISSIONS_SQL = """
SELECT COUNT(*), SUM(CASE WHEN f.device_class = 'mobile' THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.device_class = 'mobile' AND c.state <> 'withdrawn' THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.device_class = 'mobile' AND c.state IN ('answered', 'closed', 'rejected') THEN 1 ELSE 0 END)
FROM feedback_feedback f JOIN workflow_case c ON c.id = f.case_id
WHERE f.submitted_at >= %s AND f.submitted_at < %s {scope}
"""
CASE_COLUMNS = {
    "response_working": "CASE WHEN answered_at IS NOT NULL THEN response_working_seconds END",
    "response_calendar": "CASE WHEN answered_at IS NOT NULL THEN response_calendar_seconds END",
    "intake_working": "intake_working_seconds",
    "intake_calendar": "intake_calendar_seconds",
}
CASES_FROM = "FROM workflow_case c WHERE c.submitted_at >= %s AND c.submitted_at < %s {scope}"
CASE_COUNTS_SQL = """
SELECT COUNT(*), COUNT(answered_at), SUM(CASE WHEN answered_at IS NOT NULL AND answered_on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN rating <> '' THEN 1 ELSE 0 END), SUM(CASE WHEN rating IN ('satisfied', 'acceptable') THEN 1 ELSE 0 END),
       {averages} """ + CASES_FROM
POSTGRES_PERCENTILES_SQL = "SELECT {columns} " + CASES_FROM
ACTIONS_SQL = """
SELECT COUNT(*), SUM(CASE WHEN e.device_class = 'mobile' THEN 1 ELSE 0 END)
FROM workflow_caseevent e JOIN workflow_case c ON c.id = e.case_id
WHERE e.actor_kind = 'staff' AND e.created_at >= %s AND e.created_at < %s {scope}
"""
BACKLOG_SQL = """
SELECT COUNT(*), SUM(CASE WHEN due_at < %s THEN 1 ELSE 0 END), SUM(CASE WHEN due_at >= %s AND due_at <= %s THEN 1 ELSE 0 END)
FROM workflow_case c WHERE state IN ('submitted', 'needs_info', 'assigned', 'in_progress', 'pending_approval') {scope}
"""


def hand_written(filters, agency_ids=None):
    """Every figure of the summary by hand-written SQL over the raw tables; percentiles exact
    (PostgreSQL's percentile_cont; on SQLite the two values around each rank, by OFFSET)."""
    from django.db import connection
    from django.utils import timezone

    from workflow.working_time import get_calendar

    adapt = connection.ops.adapt_datetimefield_value
    bounds = [adapt(filters.start), adapt(filters.end)]
    scope = f"AND c.agency_id IN ({', '.join(map(str, agency_ids))})" if agency_ids else ""
    now = timezone.now()
    soon = get_calendar().add_working_hours(now, 24)
    with connection.cursor() as cursor:
        cursor.execute(SUBMISSIONS_SQL.format(scope=scope), bounds)
        submissions, mobile, denominator, numerator = cursor.fetchone()
        averages = ", ".join(f"COUNT({c}), AVG({c})" for c in CASE_COLUMNS.values())
        cursor.execute(CASE_COUNTS_SQL.format(averages=averages, scope=scope), bounds)
        counts = cursor.fetchone()
        percentiles = _hand_percentiles(cursor, connection.vendor, bounds, scope)
        cursor.execute(ACTIONS_SQL.format(scope=scope), bounds)
        actions, mobile_actions = cursor.fetchone()
        cursor.execute(BACKLOG_SQL.format(scope=scope), [adapt(now), adapt(now), adapt(soon)])
        backlog = cursor.fetchone()
    return {"indicator": (int(numerator or 0), int(denominator or 0)), "submissions": (int(mobile or 0), submissions),
            "cases": tuple(int(v or 0) for v in counts[:5]), "actions": (int(mobile_actions or 0), actions),
            "percentiles": percentiles, "backlog": backlog}


def _hand_percentiles(cursor, vendor, bounds, scope):
    if vendor == "postgresql":
        columns = ", ".join(f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {c})" for c in CASE_COLUMNS.values())
        cursor.execute(POSTGRES_PERCENTILES_SQL.format(columns=columns, scope=scope), bounds)
        return {name: tuple(values or (None, None)) for name, values in zip(CASE_COLUMNS, cursor.fetchone())}
    result = {}
    for name, column in CASE_COLUMNS.items():
        cursor.execute(f"SELECT COUNT({column}) " + CASES_FROM.format(scope=scope), bounds)
        n = cursor.fetchone()[0]
        picks = []
        for fraction in (0.5, 0.9):
            if not n:
                picks.append(None)
                continue
            position = fraction * (n - 1)
            cursor.execute(f"SELECT v FROM (SELECT {column} AS v " + CASES_FROM.format(scope=scope)
                           + ") WHERE v IS NOT NULL ORDER BY v LIMIT 2 OFFSET %s", [*bounds, int(position)])
            values = [row[0] for row in cursor.fetchall()] + [None]
            low, high = values[0], values[1] if values[1] is not None else values[0]
            picks.append(low + (position - int(position)) * (high - low))
        result[name] = tuple(picks)
    return result


def timed(function, repeat):
    """(min, median) seconds of ``repeat`` runs after a warm-up, and the last result."""
    function()  # warm-up: caches, plans
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return min(runs), statistics.median(runs), result


def last_months(today, months):
    from metrics.scope import MetricsFilter

    index = today.year * 12 + today.month - 1 - (months - 1)
    return MetricsFilter(date(index // 12, index % 12 + 1, 1), today)


def check_agreement(figures, hand):
    """The summary's figures equal the baseline's; its percentiles within the stated half hour."""
    from metrics.percentiles import HISTOGRAM_ERROR_HOURS

    rate = figures["mobile_handling_rate"]
    assert (rate["numerator"], rate["denominator"]) == hand["indicator"], (rate, hand["indicator"])
    share = figures["mobile_share"]["submissions"]
    assert (share["numerator"], share["denominator"]) == hand["submissions"]
    actions = figures["mobile_share"]["staff_actions"]
    assert (actions["numerator"], actions["denominator"]) == hand["actions"]
    assert figures["on_time"]["denominator"] == hand["cases"][1] and figures["on_time"]["numerator"] == hand["cases"][2]
    worst = 0.0
    for name, (median, p90) in hand["percentiles"].items():
        prefix, unit = name.split("_")
        got = figures[f"{prefix}_time"][f"{unit}_hours"]
        for label, exact in (("median", median), ("p90", p90)):
            if exact is not None:
                worst = max(worst, abs(got[label] - exact / 3600))
    assert worst <= HISTOGRAM_ERROR_HOURS + 0.005, worst
    return worst


def run_timings(args, ref, today):
    from metrics.selectors import summary
    from workflow.actors import staff_actor
    from workflow.models import Agency
    from workflow.visibility import agencies_supervised_by

    filters = last_months(today, args.months)
    results = {}
    for who, user in (("province", ref["user"]), ("scoped", ref["supervisor"])):
        actor = staff_actor(user)
        agency_ids = None if who == "province" else sorted(agencies_supervised_by(actor).values_list("pk", flat=True))
        h_min, h_med, hand = timed(lambda: hand_written(filters, agency_ids), args.repeat)
        s_min, s_med, figures = timed(lambda: summary(filters=filters, actor=actor), args.repeat)
        worst = check_agreement(figures, hand)
        results[who] = {"summary": (s_min, s_med), "hand": (h_min, h_med)}
        label = "whole province (reception)" if who == "province" else \
            f"one department's supervisor ({Agency.objects.filter(pk__in=agency_ids).count()} agencies)"
        print(f"\n{args.months} months {filters.date_from:%d/%m/%Y}–{filters.date_to:%d/%m/%Y}, {label}: "
              f"indicator {figures['mobile_handling_rate']['numerator']:,}/{figures['mobile_handling_rate']['denominator']:,}; "
              f"counts equal, percentiles within {worst:.2f} h of exact")
        print(f"  hand-written SQL, same figures   min {h_min * 1000:8.1f} ms  median {h_med * 1000:8.1f} ms")
        print(f"  summary (stored aggregates)      min {s_min * 1000:8.1f} ms  median {s_med * 1000:8.1f} ms"
              f"   ×{s_med / h_med:.3f} of hand-written")
    return filters, results


def prepare(args):
    """The bench data in place (generated, or reused when the case count matches), ANALYZEd, the
    store built; returns the reference data (agencies, the two viewers)."""
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from metrics import store
    from workflow.models import Case, Submission

    ref = reference_data()
    existing = Case.objects.count()
    if args.fresh or existing != args.cases:
        wipe()
        ref = reference_data()
        generate(args.cases, ref, generation_moment(), args.history_months)
    else:
        sys.stderr.write(f"reusing {existing:,} cases already in the database\n")
    # Every generated case was last updated at the moment the data is made as of.
    ref["as_of"] = Case.objects.aggregate(as_of=Max("updated_at"))["as_of"]
    analyze()
    if args.fresh or args.rebuild or existing != args.cases or not store.is_built():
        started = time.monotonic()
        rows = store.rebuild()
        print(f"stored aggregates rebuilt from the raw tables: {rows:,} rows in {time.monotonic() - started:.1f} s")
        analyze()
    print(f"{connection.vendor}: {Case.objects.count():,} cases, {Submission.objects.count():,} submissions, "
          f"as of {timezone.localtime(ref['as_of']):%d/%m/%Y %H:%M}; times: min and median of {args.repeat} runs after a warm-up")
    return ref


def generation_moment():
    """Today at ``AS_OF_HOUR`` (local), the moment new bench data is made as of."""
    from django.utils import timezone

    from metrics.figures import day_bounds

    return day_bounds(timezone.localdate())[0] + timedelta(hours=AS_OF_HOUR)


def as_of(ref):
    """The clock at the moment the data is made as of (and running from there), for the timings."""
    import time_machine

    return time_machine.travel(ref["as_of"], tick=True)


def main():
    args = parse_args()
    configure(args)
    from django.db import connection
    from django.utils import timezone

    ref = prepare(args)
    with as_of(ref):
        filters, results = run_timings(args, ref, timezone.localdate())
    if args.json:
        hand, mine = results["province"]["hand"][1], results["province"]["summary"][1]
        print(json.dumps({"cases": args.cases, "db": connection.vendor, "months": args.months,
                          "history_months": args.history_months,
                          "summary_ms": round(mine * 1000, 1), "scoped_ms": round(results["scoped"]["summary"][1] * 1000, 1),
                          "summary_min_ms": round(results["province"]["summary"][0] * 1000, 1),
                          "scoped_min_ms": round(results["scoped"]["summary"][0] * 1000, 1),
                          "hand_ms": round(hand * 1000, 1), "ratio_summary": round(mine / hand, 4)}))


def analyze():
    """What autovacuum would have done after the load (it is off on some servers): the planner's
    statistics, and on PostgreSQL the visibility map that lets counts read an index alone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def wipe():
    from django.db import connection

    tables = ["feedback_photo", "feedback_feedback", "workflow_caseevent", "workflow_casephoto", "workflow_case"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


if __name__ == "__main__":
    main()
