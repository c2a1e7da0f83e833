"""Benchmark of the staff inbox API (GET /api/v1/cases/) against a bare DRF list, in the same run.

    .venv/bin/python bench/inbox.py [--cases 10000] [--requests 200] [--rounds 5] [--fresh]

Database: its own SQLite file ``bench/out/inbox.sqlite3``, or ``$DATABASE_URL`` when set (created
if missing on PostgreSQL, e.g. ``postgres://postgres@127.0.0.1:5432/pakn_bench_inbox``; it must
hold no cases except this script's own, which it recognises by its user ``bench-tiepnhan``). Migrates, then generates ``--cases`` cases, each with one or two submissions,
straight into the tables with ``bulk_create``: the bench data bypasses the workflow services
(opening 10,000 cases through them one by one is slow and measures nothing here), so states,
agencies and deadlines are drawn to look like an inbox in use, and the case's protected state is
set once at construction. No events are generated: the list does not read them. Data is kept
between runs when the case count matches (``--fresh`` regenerates).

Then, with Django's test client signed in as the reception officer (who sees every case):
  * ``pakn``: GET /api/v1/cases/ — visibility scope, select_related agency/category/ward (only the
    columns shown), the page's tracking codes and device classes as one query of values, working
    time left, overdue, the transitions the user may take now (django-fsm conditions and
    permissions, once per distinct set of inputs on the page);
  * ``bare``: a DRF ``ListAPIView`` with a plain ``ModelSerializer(fields="__all__")`` of Case
    over the same rows, same ordering, same page size (50), same authentication; registered only
    inside this script via a temporary urlconf.
Each round runs ``--requests`` requests of each, alternating the two so that drift in machine
load hits both alike; the table shows the median round (requests/second, ms/request), the
queries per request (CaptureQueriesContext) and the ratio pakn/bare. ANALYZE runs after loading
(and before reusing) the data, so the planner knows the rows as autovacuum would have told it.
``--json`` prints one JSON object as the last line (``ratio_time``, ``queries``, ``bare_queries``,
``db``).
"""
import argparse
import json
import os
import random
import statistics
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_postgres_database, use_bench_settings  # noqa: E402
OUT = ROOT / "bench" / "out"

BENCH_USER = "bench-tiepnhan"
STATES = [("submitted", 20), ("needs_info", 3), ("assigned", 12), ("in_progress", 30), ("pending_approval", 5),
          ("answered", 15), ("closed", 10), ("rejected", 3), ("withdrawn", 2)]
DEVICES = [("mobile", 74), ("desktop", 20), ("tablet", 4), ("unknown", 2)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return parser.parse_args()


def configure():
    use_bench_settings()
    url = os.environ.get("DATABASE_URL")
    if not url:
        OUT.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_PATH"] = str(OUT / "inbox.sqlite3")
    elif url.startswith("postgres"):
        ensure_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def weighted(rng, table):
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


# --- data --------------------------------------------------------------------------------------------

def reference_data():
    from django.contrib.auth.models import User

    from core.models import Category, Ward
    from workflow.models import Agency, AgencyKind, Membership, Role

    province, _ = Agency.objects.get_or_create(code="b-ubnd-tinh", defaults={"name_vi": "UBND tỉnh", "kind": "other"})
    reception, _ = Agency.objects.get_or_create(code="b-ttpvhcc", defaults={
        "name_vi": "Trung tâm Phục vụ hành chính công", "kind": AgencyKind.RECEPTION, "parent": province})
    departments = [Agency.objects.get_or_create(code=f"b-so-{i}", defaults={
        "name_vi": f"Sở {i}", "kind": AgencyKind.DEPARTMENT, "parent": province})[0] for i in range(8)]
    categories = [Category.objects.get_or_create(code=f"b-cat-{i}", defaults={"name_vi": f"Lĩnh vực {i}"})[0]
                  for i in range(12)]
    wards = [Ward.objects.get_or_create(code=f"b{i}", defaults={"name": f"Phường {i}", "division_type": "phường",
                                                                 "province_code": 24})[0] for i in range(30)]
    user, created = User.objects.get_or_create(username=BENCH_USER)
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, agency=reception, role=Role.RECEPTION)
    return user, departments, categories, wards


def make_case(rng, now, *, departments, categories, wards):
    from workflow.models import Case

    state = weighted(rng, STATES)
    submitted_at = now - timedelta(hours=rng.uniform(1, 24 * 60))
    routed = state not in ("submitted", "needs_info", "rejected", "withdrawn")
    open_ = state in ("submitted", "assigned", "in_progress", "pending_approval")
    due = submitted_at + timedelta(days=rng.uniform(1, 14)) if open_ else None
    return Case(
        state=state, kind="on_site", category=rng.choice(categories), ward=rng.choice(wards + [None]),
        title=f"Phản ánh số {rng.randrange(10**6)}: đèn đường hỏng", priority="normal",
        agency=rng.choice(departments) if routed else None, submitted_at=submitted_at,
        received_at=submitted_at + timedelta(hours=2) if state != "submitted" else None,
        due_at=due, reception_due_at=submitted_at + timedelta(hours=8), handling_due_at=due if routed else None,
        extension_requested_days=2 if state == "in_progress" and rng.random() < 0.05 else None,
        answer="Đã xử lý." if state in ("answered", "closed") else "",
        answered_at=submitted_at + timedelta(days=3) if state in ("answered", "closed") else None,
    )


def generate(count):
    from django.db import transaction
    from django.utils import timezone

    from workflow.models import Case, Submission

    rng = random.Random(2026)
    user, departments, categories, wards = reference_data()
    now = timezone.now()
    with transaction.atomic():
        cases = Case.objects.bulk_create(
            [make_case(rng, now, departments=departments, categories=categories, wards=wards) for _ in range(count)],
            batch_size=2000)
        submissions = []
        for case in cases:
            for extra in range(1 if rng.random() < 0.9 else 2):
                submissions.append(Submission(
                    tracking_code=f"BN-B{len(submissions):07d}", private_key_hash="0" * 64, case=case,
                    kind=case.kind, category=case.category, title=case.title, ward=case.ward,
                    description="Đèn đường trước số 12 đã hỏng một tuần, buổi tối rất tối.",
                    contact_name="Nguyễn Văn A", contact_phone="0912345678",
                    device_class=weighted(rng, DEVICES), submitted_at=case.submitted_at + timedelta(minutes=extra)))
        Submission.objects.bulk_create(submissions, batch_size=2000)
    return user


def prepare(count, fresh):
    from django.contrib.auth.models import User
    from django.db import transaction

    from workflow.models import Case, Submission

    has_bench_user = User.objects.filter(username=BENCH_USER).exists()
    existing = Case.objects.count()
    if existing and not has_bench_user:
        sys.exit("This database holds cases that are not bench data; point DATABASE_URL at an empty database.")
    if existing == count and not fresh:
        print(f"reusing {existing} cases", file=sys.stderr)
        analyze()
        return User.objects.get(username=BENCH_USER)
    with transaction.atomic():
        Submission.objects.all().delete()
        Case.objects.all().delete()
    started = time.perf_counter()
    user = generate(count)
    print(f"generated {count} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    analyze()
    return user


def analyze():
    """Planner statistics for the rows just loaded, as autovacuum would gather (it may be off)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the baseline ------------------------------------------------------------------------------------

def install_bare_view():
    """A urlconf with the project's URLs plus ``/bench/bare-cases/`` (this process only)."""
    from django.db.models import F
    from django.test.utils import override_settings
    from django.urls import clear_url_caches, path
    from rest_framework import generics, permissions, serializers

    import config.urls
    from workflow.models import Case

    class BareCaseSerializer(serializers.ModelSerializer):
        class Meta:
            model = Case
            fields = "__all__"

    class BareCaseList(generics.ListAPIView):
        permission_classes = [permissions.IsAuthenticated]
        serializer_class = BareCaseSerializer
        queryset = Case.objects.order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")

    module = types.ModuleType("bench_inbox_urls")
    module.urlpatterns = [path("bench/bare-cases/", BareCaseList.as_view()), *config.urls.urlpatterns]
    sys.modules[module.__name__] = module
    override_settings(ROOT_URLCONF=module.__name__).enable()
    clear_url_caches()


# --- measuring ---------------------------------------------------------------------------------------

VARIANTS = [("pakn  GET /api/v1/cases/", "/api/v1/cases/"),
            ("bare  ListAPIView + ModelSerializer", "/bench/bare-cases/")]


def one_round(client, url, requests):
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
    return time.perf_counter() - started


def queries_per_request(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), len(response.json()["results"]), len(response.content)


def measure(user, requests, rounds):
    from django.test import Client

    client = Client()
    client.force_login(user)
    for _, url in VARIANTS:  # warm-up: imports, the working calendar, SQLite page cache
        one_round(client, url, 5)
    timings = {url: [] for _, url in VARIANTS}
    for _ in range(rounds):
        for _, url in VARIANTS:
            timings[url].append(one_round(client, url, requests))
    return {url: (statistics.median(timings[url]), min(timings[url]), *queries_per_request(client, url))
            for _, url in VARIANTS}


def report(results, requests, cases):
    from django.db import connection

    print(f"\n{cases} cases, {connection.vendor}; median (and best) of rounds of {requests} requests per variant;"
          " page size 50\n")
    print(f"{'variant':<38}{'req/s':>9}{'ms/req':>9}{'best ms':>9}{'queries':>9}{'items':>7}{'bytes':>9}")
    for label, url in VARIANTS:
        seconds, best, queries, items, size = results[url]
        print(f"{label:<38}{requests / seconds:>9.1f}{1000 * seconds / requests:>9.2f}{1000 * best / requests:>9.2f}"
              f"{queries:>9}{items:>7}{size:>9}")
    pakn, bare = results[VARIANTS[0][1]], results[VARIANTS[1][1]]
    print(f"\nratio pakn/bare time per request: median {pakn[0] / bare[0]:.2f}, best {pakn[1] / bare[1]:.2f}")
    return {"ratio_time": round(pakn[0] / bare[0], 3), "ratio_time_best": round(pakn[1] / bare[1], 3),
            "queries": pakn[2], "bare_queries": bare[2], "db": connection.vendor, "cases": cases}


def main():
    args = parse_args()
    configure()
    user = prepare(args.cases, args.fresh)
    install_bare_view()
    results = measure(user, args.requests, args.rounds)
    summary = report(results, args.requests, args.cases)
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
