"""Benchmark of the metrics selectors against one hand-written SQL query, in the same run.

    python bench/metrics.py --cases 100000                       # SQLite file in /tmp
    python bench/metrics.py --cases 1000000 --db postgres        # $DATABASE_URL or pakn_bench

Generates N cases and their submissions (and one staff action per case that was acted on) over
the last 24 months, straight into the tables in batches (COPY on PostgreSQL, executemany on
SQLite): the bench data bypasses the workflow services (running a million cases through them
would take hours), so states, timestamps and stored durations are drawn to look like real traffic. Data is kept between
runs when the case count matches (``--fresh`` regenerates).

Then times, median of ``--repeat`` runs each after a warm-up:
  * ``summary``: every figure of GET /api/v1/metrics/summary/ (six queries);
  * ``indicator``: the mobile handling indicator alone (``selectors.mobile_handling_rate``);
  * ``hand-written``: one SQL query computing the same indicator over the same rows;
and prints the timings and the ratios to the hand-written query. The two indicator results are
checked to be equal.
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

from bench.common import ensure_postgres_database  # noqa: E402

BATCH = 5000
MONTHS_OF_DATA = 24
STATES = [  # (state, weight): a province some years in, most cases handled
    ("closed", 46), ("answered", 18), ("rejected", 6), ("in_progress", 8), ("assigned", 4), ("submitted", 5),
    ("needs_info", 2), ("pending_approval", 2), ("withdrawn", 5), ("merged", 4),
]
OPEN = {"submitted", "needs_info", "assigned", "in_progress", "pending_approval"}
DEVICES = [("mobile", 74), ("desktop", 20), ("tablet", 4), ("unknown", 2)]
CHANNELS = [("web", 80), ("api", 12), ("hotline", 6), ("open311", 2)]
RATINGS = [("", 50), ("satisfied", 30), ("acceptable", 12), ("dissatisfied", 8)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--months", type=int, default=12, help="the period timed: the last N months")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--proposed-indexes", action="store_true",
                        help="create the indexes proposed for the metrics if the migrations do not have them yet")
    return parser.parse_args()


def configure(args):
    os.environ.setdefault("PAKN_ALLOW_INSECURE", "1")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = "sqlite:////tmp/pakn-bench-metrics.sqlite3"
    else:
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pakn_bench")
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


def generate(n, ref, now):
    from django.db import connection, transaction

    from workflow.models import Case, CaseEvent, Submission

    tables = {model: Table(model, connection) for model in (Case, Submission, CaseEvent)}
    rng = random.Random(2026)
    span = MONTHS_OF_DATA * 30 * 86400
    started, made, counters = time.monotonic(), 0, {"submission": 0, "event": 0}
    while made < n:
        size = min(BATCH, n - made)
        cases, submissions, events = [], [], []
        for pk in range(made + 1, made + size + 1):
            case = bench_case(rng, pk, now - timedelta(seconds=rng.randrange(span)), now, ref)
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would, before anyone reads


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
    case["received_at"] = min(submitted + timedelta(seconds=intake), now)
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
    response = rng.randint(2 * 3600, 20 * 86400)
    case["answered_at"] = min(submitted + timedelta(seconds=response), now)
    case["answered_on_time"] = case["answered_at"] <= case["handling_due_at"]
    case["response_working_seconds"], case["response_calendar_seconds"] = int(response * 0.3), response
    if state == "closed":
        case["rating"] = pick(rng, RATINGS)
    return case


def bench_submissions(rng, case, counters):
    """A merged case keeps no submission; one case in 25 also has a duplicate merged into it."""
    if case["state"] == "merged":
        return []
    times = [case["submitted_at"]] + ([case["submitted_at"] + timedelta(hours=2)] if rng.random() < 0.04 else [])
    rows = []
    for submitted in times:
        counters["submission"] += 1
        pk = counters["submission"]
        rows.append({"id": pk, "tracking_code": f"BN-B{pk:08d}", "private_key_hash": "0" * 64, "case_id": case["id"],
                     "kind": "on_site", "category_id": case["category_id"], "title": case["title"],
                     "description": "Mô tả mẫu.", "ward_id": case["ward_id"], "channel": pick(rng, CHANNELS),
                     "device_class": pick(rng, DEVICES), "submitted_at": submitted})
    return rows


# --- indexes ----------------------------------------------------------------------------------------

# What the metrics queries want, beyond the models' own indexes (see the report for the migrations):
PROPOSED_INDEXES = [
    # The indicator: mobile submissions in a period and their case, read from the index alone.
    ("feedback_device_period_case", "feedback_feedback", "device_class, submitted_at, case_id"),
    # The indicator's join: each submission's case state without reading the case row.
    ("case_id_state", "workflow_case", "id, state"),
    # Officials' actions from a mobile device in a period.
    ("event_actor_period_device", "workflow_caseevent", "actor_kind, created_at, device_class"),
]


def ensure_proposed_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        for name, table, columns in PROPOSED_INDEXES:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def present_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        names = {name for name, _t, _c in PROPOSED_INDEXES}
        found = set()
        for table in {t for _n, t, _c in PROPOSED_INDEXES}:
            found |= {c["columns"] and n for n, c in connection.introspection.get_constraints(cursor, table).items()
                      if c["index"]}
    return sorted(names & found)


# --- timing -----------------------------------------------------------------------------------------

HAND_WRITTEN = """
SELECT SUM(CASE WHEN c.state IN ('answered', 'closed', 'rejected') THEN 1 ELSE 0 END), COUNT(*)
FROM feedback_feedback f JOIN workflow_case c ON c.id = f.case_id
WHERE f.device_class = 'mobile' AND f.submitted_at >= %s AND f.submitted_at < %s AND c.state <> 'withdrawn'
"""


def hand_written(filters):
    from django.db import connection

    with connection.cursor() as cursor:
        bounds = [connection.ops.adapt_datetimefield_value(filters.start),
                  connection.ops.adapt_datetimefield_value(filters.end)]
        cursor.execute(HAND_WRITTEN, bounds)
        numerator, denominator = cursor.fetchone()
    return {"numerator": int(numerator or 0), "denominator": denominator}


def timed(function, repeat):
    function()  # warm-up: caches, plans
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def last_months(today, months):
    from metrics.scope import MetricsFilter

    index = today.year * 12 + today.month - 1 - (months - 1)
    return MetricsFilter(date(index // 12, index % 12 + 1, 1), today)


def run_timings(args, ref, today):
    from metrics.selectors import mobile_handling_rate, summary
    from workflow.actors import staff_actor

    for months in sorted({args.months, 1}, reverse=True):
        filters = last_months(today, months)
        for who, user in (("reception (whole province)", ref["user"]),
                          ("supervisor of one department", ref["supervisor"])):
            actor = staff_actor(user)
            t_hand, hand = timed(lambda: hand_written(filters), args.repeat)
            t_ind, indicator = timed(lambda: mobile_handling_rate(filters=filters, actor=actor), args.repeat)
            t_sum, _whole = timed(lambda: summary(filters=filters, actor=actor), args.repeat)
            print(f"\n{months} month(s) {filters.date_from:%d/%m/%Y}–{filters.date_to:%d/%m/%Y}, {who}: "
                  f"indicator {indicator['numerator']:,}/{indicator['denominator']:,}")
            if who.startswith("reception"):  # the hand-written query is unscoped: compare like with like
                assert (indicator["numerator"], indicator["denominator"]) == \
                    (hand["numerator"], hand["denominator"]), (indicator, hand)
            print(f"  hand-written SQL (indicator, whole province) {t_hand * 1000:9.1f} ms")
            print(f"  selector: indicator alone     {t_ind * 1000:9.1f} ms   ×{t_ind / t_hand:.2f} of hand-written")
            print(f"  selector: whole summary       {t_sum * 1000:9.1f} ms   ×{t_sum / t_hand:.2f} of hand-written")


def main():
    args = parse_args()
    configure(args)
    from django.db import connection
    from django.utils import timezone

    from workflow.models import Case, Submission

    ref = reference_data()
    now = timezone.now().replace(microsecond=0)
    existing = Case.objects.count()
    if args.fresh or existing != args.cases:
        wipe()
        ref = reference_data()
        generate(args.cases, ref, now)
    else:
        sys.stderr.write(f"reusing {existing:,} cases already in the database\n")
    if args.proposed_indexes:
        ensure_proposed_indexes()
    print(f"{connection.vendor}: {Case.objects.count():,} cases, {Submission.objects.count():,} submissions; "
          f"proposed indexes present: {', '.join(present_indexes()) or 'none'}")
    run_timings(args, ref, timezone.localdate())


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
