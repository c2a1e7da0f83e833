"""Benchmark of the public map and statistics against a naive map, in the same run.

    python bench/public_map.py                              # 100,000 cases a year, SQLite file in /tmp
    python bench/public_map.py --db postgres --json         # $DATABASE_URL or pakn_bench_map

Generates a year of cases (default 100,000) with one submission each, straight into the tables
(as bench/metrics.py does: no services, states and positions drawn to look like real traffic):
positions around the province's wards, about 55% of senders consenting to publish, 15% anonymous.
Kept between runs when the count matches (``--fresh`` regenerates).

Then times, median of ``--repeat`` runs after a warm-up:
  * ``naive``: every consenting case of the year as a GeoJSON Point (public position, code,
    status, category), serialized: what a map without clustering would send a phone;
  * ``grid (province)``: ``feedback.public_map.public_map`` for the whole province as a phone asks
    for it (85 cells), the endpoint's work before its cache;
  * ``grid (city view)``: the same for a view of a few kilometres around one ward;
  * ``cached``: ``GET /api/v1/public/map/`` as answered from the cache (a second request);
  * ``stats``: ``metrics.public.public_stats`` (the province and every agency, from the dashboard's
    summary) computed over the raw tables, then from the stored aggregates (``metrics.store``,
    rebuilt once here), and answered from the cache;
and prints the timings, the response sizes and the ratios to the naive map. ``--json`` prints one
JSON object as the last line.
"""
import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_postgres_database, use_bench_settings  # noqa: E402

BATCH = 5000
CELLS_ON_A_PHONE = 85  # (390/40) × (350/40): what static/js/public-map.js asks for on a phone
STATES = [("closed", 46), ("answered", 18), ("rejected", 6), ("in_progress", 8), ("assigned", 4),
          ("submitted", 5), ("needs_info", 2), ("pending_approval", 2), ("withdrawn", 5), ("merged", 4)]
OPEN = {"submitted", "needs_info", "assigned", "in_progress", "pending_approval"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the year")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return parser.parse_args()


def configure(args):
    use_bench_settings()  # the API is asked through Django's test client
    os.environ.pop("REDIS_URL", None)  # the cache timed is the process's own (locmem)
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = "sqlite:////tmp/pakn-bench-public-map.sqlite3"
    else:
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pakn_bench_map")
        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def reference_data(rng):
    """Agencies (root, 12 departments), 99 wards with a centre inside the province, 20 categories."""
    from core.geo import province_bounds
    from core.models import Category, Ward
    from workflow.models import Agency

    root, _ = Agency.objects.get_or_create(code="bmap-tinh", defaults={"name_vi": "UBND tỉnh", "kind": "other"})
    agencies = [Agency.objects.get_or_create(code=f"bmap-so-{d}", defaults={
        "name_vi": f"Sở {d}", "kind": "department", "parent": root})[0].pk for d in range(12)]
    wards = [Ward.objects.get_or_create(code=f"m{w:04d}", defaults={
        "name": f"Phường {w}", "division_type": "phường", "province_code": 24})[0].pk for w in range(99)]
    categories = [Category.objects.get_or_create(code=f"bmap-cat-{c}", defaults={"name_vi": f"Lĩnh vực {c}"})[0].pk
                  for c in range(20)]
    box = province_bounds()
    centres = {ward: (rng.uniform(box.min_lat + 0.05, box.max_lat - 0.05), rng.uniform(box.min_lon + 0.05, box.max_lon - 0.05))
               for ward in wards}
    return {"agencies": agencies, "wards": wards, "categories": categories, "centres": centres}


def generate(n, ref, now):
    from django.db import connection, transaction

    from bench.metrics import Table, progress
    from workflow.models import Case, Submission

    tables = {model: Table(model, connection) for model in (Case, Submission)}
    rng = random.Random(2026)
    started, made = time.monotonic(), 0
    while made < n:
        size = min(BATCH, n - made)
        cases, submissions = [], []
        for pk in range(made + 1, made + size + 1):
            case, submission = bench_case(rng, pk, now - timedelta(seconds=rng.randrange(365 * 86400)), now, ref)
            cases.append(case)
            if submission:
                submissions.append(submission)
        with transaction.atomic():
            tables[Case].insert(cases)
            tables[Submission].insert(submissions)
        made += size
        progress("cases", made, n, started)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def bench_case(rng, pk, submitted, now, ref):
    state = pick(rng, STATES)
    if state in OPEN and now - submitted > timedelta(days=60) and rng.random() < 0.97:
        state = pick(rng, [(s, w) for s, w in STATES if s not in OPEN])
    ward = rng.choice(ref["wards"])
    case = {"id": pk, "state": state, "kind": "on_site", "title": "Phản ánh mẫu", "submitted_at": submitted,
            "category_id": rng.choice(ref["categories"]), "ward_id": ward, "updated_at": now,
            "agency_id": None if state in ("submitted", "needs_info") else rng.choice(ref["agencies"])}
    if state == "merged":
        return case, None
    lat, lon = ref["centres"][ward]
    anonymous = rng.random() < 0.15
    submission = {"id": pk, "tracking_code": f"BN-M{pk:08d}", "private_key_hash": "0" * 64, "case_id": pk,
                  "kind": "on_site", "category_id": case["category_id"], "title": case["title"],
                  "description": "Mô tả mẫu.", "ward_id": ward, "channel": "web", "device_class": "mobile",
                  "submitted_at": submitted, "anonymous": anonymous,
                  "publish_consent": rng.random() < 0.55, "contact_name": "" if anonymous else "Nguyễn Văn A"}
    if rng.random() < 0.9:  # most reports come with a pin or a photo's GPS
        submission["latitude"] = f"{lat + rng.gauss(0, 0.012):.6f}"
        submission["longitude"] = f"{lon + rng.gauss(0, 0.012):.6f}"
    return case, submission


def clear_cases():
    """Empty the bench database's cases (only this benchmark's database is ever used)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("feedback_photo", "feedback_feedback", "workflow_caseevent", "workflow_case"):
            cursor.execute(f"DELETE FROM {table}")


def naive_map(filters):
    """Every consenting case of the period as a Point: no grid, no cache."""
    from feedback.public_map import mapped_submissions
    from feedback.selectors import public_position

    features = []
    for row in mapped_submissions(filters).select_related("case", "category").only(
            "tracking_code", "latitude", "longitude", "anonymous", "case__state", "category__code"):
        latitude, longitude = public_position(row)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                         "properties": {"tracking_code": row.tracking_code, "status": row.case.state,
                                        "category": row.category.code}})
    return json.dumps({"type": "FeatureCollection", "features": features})


def timed(function, repeat):
    function()  # warm-up: plans, the working calendar
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def main():
    args = parse_args()
    configure(args)
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from core.geo import Bounds, province_bounds
    from feedback.public_map import MapFilter, public_map
    from metrics import store
    from metrics.models import DailyFigures, StoreStatus
    from metrics.public import cached_public_stats, default_period, public_stats
    from workflow.models import Case

    rng = random.Random(10)
    now = timezone.now()
    if args.fresh or Case.objects.count() != args.cases:
        clear_cases()
        ref = reference_data(rng)
        generate(args.cases, ref, now)
    today = timezone.localdate()
    year = MapFilter(date_from=today - timedelta(days=364), date_to=today)
    province = province_bounds()
    centre_lat, centre_lon = (province.min_lat + province.max_lat) / 2, (province.min_lon + province.max_lon) / 2
    city = Bounds(centre_lon - 0.03, centre_lat - 0.025, centre_lon + 0.03, centre_lat + 0.025)

    t_naive, naive = timed(lambda: naive_map(year), args.repeat)
    t_grid, grid = timed(lambda: json.dumps(public_map(year, province, cells=CELLS_ON_A_PHONE)), args.repeat)
    t_city, city_map = timed(lambda: json.dumps(public_map(year, city, cells=CELLS_ON_A_PHONE)), args.repeat)
    client = Client()
    url = (f"/api/v1/public/map/?from={year.date_from}&to={year.date_to}&bbox={province.as_text()}"
           f"&cells={CELLS_ON_A_PHONE}")
    cache.clear()
    t_cached, cached = timed(lambda: client.get(url).content, args.repeat)
    period = default_period(today)
    StoreStatus.objects.all().delete()  # the raw tables first, as before the aggregates are built
    DailyFigures.objects.all().delete()
    t_stats_raw, _raw = timed(lambda: public_stats(*period), max(1, args.repeat // 2))
    started = time.perf_counter()
    store.rebuild()  # what seed_demo and `manage.py metrics_rebuild` do; kept after each commit then
    t_rebuild = time.perf_counter() - started
    t_stats, stats = timed(lambda: public_stats(*period), args.repeat)
    assert [r["received"] for r in stats["agencies"]] == [r["received"] for r in _raw["agencies"]]
    cache.clear()
    t_stats_cached, _ = timed(lambda: cached_public_stats(*period), args.repeat)

    naive_features = len(json.loads(naive)["features"])
    grid_body, city_body = json.loads(grid), json.loads(city_map)
    assert json.loads(cached) == grid_body, "the API answers what the grid computed"
    figures = {
        "cases": args.cases, "db": args.db, "consenting_mapped_cases": naive_features,
        "naive_ms": round(t_naive * 1000, 1), "naive_bytes": len(naive), "naive_features": naive_features,
        "grid_ms": round(t_grid * 1000, 1), "grid_bytes": len(grid), "grid_features": len(grid_body["features"]),
        "city_ms": round(t_city * 1000, 1), "city_bytes": len(city_map), "city_features": len(city_body["features"]),
        "cached_ms": round(t_cached * 1000, 2), "cached_bytes": len(cached),
        "stats_raw_ms": round(t_stats_raw * 1000, 1), "store_rebuild_s": round(t_rebuild, 1),
        "stats_ms": round(t_stats * 1000, 1), "stats_cached_ms": round(t_stats_cached * 1000, 3),
        "stats_agencies": len(stats["agencies"]),
    }
    figures["ratios"] = {
        "naive_over_grid_time": round(t_naive / t_grid, 1),
        "naive_over_grid_bytes": round(len(naive) / len(grid), 1),
        "naive_over_city_time": round(t_naive / t_city, 1),
        "naive_over_cached_time": round(t_naive / t_cached, 1),
        "stats_raw_over_stored_time": round(t_stats_raw / t_stats, 1),
        "stats_over_cached_time": round(t_stats / t_stats_cached, 1),
    }
    assert grid_body["total"] == naive_features, "the grid counts every case the naive map sends"
    assert len(grid_body["features"]) <= 500 and len(city_body["features"]) <= 500
    print(f"{args.cases:,} cases in a year ({args.db}); {naive_features:,} consenting cases with a position on the map")
    print(f"  naive map           {t_naive * 1000:9.1f} ms  {len(naive):>11,} bytes  {naive_features:>7,} features")
    print(f"  grid, province      {t_grid * 1000:9.1f} ms  {len(grid):>11,} bytes  {len(grid_body['features']):>7,} features")
    print(f"  grid, city view     {t_city * 1000:9.1f} ms  {len(city_map):>11,} bytes  {len(city_body['features']):>7,} features")
    print(f"  API from the cache  {t_cached * 1000:9.2f} ms  {len(cached):>11,} bytes")
    print(f"  statistics          {t_stats_raw * 1000:9.1f} ms from the raw tables ({len(stats['agencies'])} agencies), "
          f"{t_stats * 1000:.1f} ms from the stored aggregates (rebuilt in {t_rebuild:.1f} s), "
          f"{t_stats_cached * 1000:.3f} ms from the cache")
    print("  ratios: " + ", ".join(f"{k} {v}×" for k, v in figures["ratios"].items()))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
