"""Benchmark of the supervisors' dashboard page against the same page computed over the raw tables, in the same run.

    python bench/dashboard.py --cases 100000                                   # SQLite file in /tmp
    python bench/dashboard.py --db postgres --database pakn_bench --cases 1000000
    ... --json                                                                 # one JSON object as the last line

The data is ``bench/metrics.py``'s (generated there, or here with the same options; reused when
the case count matches), with the stored aggregates rebuilt when they are not built and ANALYZE
after loading, timed as of the moment it was made (16:00 on the day it was generated). Then, for
the last ``--months`` months (default 12), as the reception officer (the whole province) and as
the supervisor of one department (its subtree), min and median of ``--repeat`` runs each after a
warm-up:
  * ``dashboard``: ``GET /dashboard/?from=…&to=…`` through Django's test client (every middleware,
    the session, the template rendered): the summary tiles, the monthly trend, the ward hotspots,
    the tables per agency and per category, the overdue list, as a supervisor gets it;
  * ``live``: the baseline, the same request with the stored aggregates set aside (the store
    marked unbuilt inside a transaction that is rolled back): every figure of the page computed
    over the raw tables, as the page did before the store (exact percentiles by the database).
Checks that both pages show the same figures (the summary, the trend, the three tables: counts
equal, medians within the stated half hour) and prints the ratio dashboard ÷ live.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import metrics as data  # noqa: E402

TABLES = ("agency", "category", "ward")


def parse_args():
    parser = data.argument_parser(__doc__.split("\n")[0])
    return parser.parse_args()


def live_store():
    """A context in which the store is not built (rolled back on leaving): everything live."""
    from contextlib import contextmanager

    from django.db import transaction

    from metrics.models import StoreStatus

    @contextmanager
    def context():
        with transaction.atomic():
            StoreStatus.objects.all().delete()
            yield
            transaction.set_rollback(True)
    return context()


def page(client, query):
    response = client.get(f"/dashboard/?{query}", secure=True, HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    return response


def timed(function, repeat):
    function()  # warm-up: caches, plans
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return min(runs), statistics.median(runs)


def figures(filters, actor):
    """What the page shows, computed as the view does."""
    from metrics import selectors
    from metrics.breakdown import breakdown, indicator_trend

    return {"summary": selectors.summary(filters=filters, actor=actor),
            "trend": indicator_trend(filters=filters, actor=actor),
            **{table: breakdown(by=table, filters=filters, actor=actor) for table in TABLES}}


def check_agreement(stored, computed):
    """The page's tables and trend equal the live ones (medians within half an hour); the summary
    is checked by ``bench/metrics.py`` against hand-written SQL. Returns the worst median gap."""
    from metrics.percentiles import HISTOGRAM_ERROR_HOURS

    assert stored["trend"] == computed["trend"]
    for name in ("mobile_handling_rate", "on_time", "backlog", "satisfaction", "mobile_share"):
        assert stored["summary"][name] == computed["summary"][name], name
    worst = 0.0
    for table in TABLES:
        assert [r["key"] for r in stored[table]] == [r["key"] for r in computed[table]], table
        for mine, exact in zip(stored[table], computed[table]):
            skip = ("median_response_working_hours", "precision_hours")
            assert {k: v for k, v in mine.items() if k not in skip} == \
                {k: v for k, v in exact.items() if k not in skip}, (table, mine["key"])
            a, b = mine["median_response_working_hours"], exact["median_response_working_hours"]
            assert (a is None) == (b is None)
            if a is not None:
                worst = max(worst, abs(a - b))
    assert worst <= HISTOGRAM_ERROR_HOURS + 0.01, worst
    return worst


def run(args, ref, today):
    import time_machine
    from django.test import Client
    from django.utils import timezone

    from workflow.actors import staff_actor
    from workflow.visibility import agencies_supervised_by

    filters = data.last_months(today, args.months)
    query = f"from={filters.date_from.isoformat()}&to={filters.date_to.isoformat()}"
    results = {}
    for who, user in (("province", ref["user"]), ("scoped", ref["supervisor"])):
        client = Client()
        client.force_login(user)
        actor = staff_actor(user)
        # Both sides' figures are compared as of one instant: "overdue now" and "due within 24
        # working hours" move with the clock, by a case or two a second at 3M cases.
        moment = timezone.now()
        with live_store():
            l_min, l_med = timed(lambda: page(client, query), args.repeat)
            with time_machine.travel(moment, tick=False):
                computed = figures(filters, actor)
        d_min, d_med = timed(lambda: page(client, query), args.repeat)
        with time_machine.travel(moment, tick=False):
            worst = check_agreement(figures(filters, actor), computed)
        results[who] = {"dashboard": (d_min, d_med), "live": (l_min, l_med)}
        label = "whole province (reception)" if who == "province" else \
            f"one department's supervisor ({agencies_supervised_by(actor).count()} agencies)"
        print(f"\n/dashboard/?{query}, {label}: trend and tables equal to live, medians within {worst:.2f} h")
        print(f"  live (raw tables)         min {l_min * 1000:8.1f} ms  median {l_med * 1000:8.1f} ms")
        print(f"  dashboard                 min {d_min * 1000:8.1f} ms  median {d_med * 1000:8.1f} ms"
              f"   ×{d_med / l_med:.3f} of live")
    return results


def main():
    args = parse_args()
    data.configure(args)
    from django.db import connection
    from django.utils import timezone

    ref = data.prepare(args)
    with data.as_of(ref):
        results = run(args, ref, timezone.localdate())
    if args.json:
        province, scoped = results["province"], results["scoped"]
        print(json.dumps({"cases": args.cases, "db": connection.vendor, "months": args.months,
                          "history_months": args.history_months,
                          "dashboard_ms": round(province["dashboard"][1] * 1000, 1),
                          "dashboard_scoped_ms": round(scoped["dashboard"][1] * 1000, 1),
                          "dashboard_min_ms": round(province["dashboard"][0] * 1000, 1),
                          "dashboard_scoped_min_ms": round(scoped["dashboard"][0] * 1000, 1),
                          "live_ms": round(province["live"][1] * 1000, 1),
                          "live_scoped_ms": round(scoped["live"][1] * 1000, 1),
                          "ratio_dashboard": round(province["dashboard"][1] / province["live"][1], 4),
                          "ratio_dashboard_scoped": round(scoped["dashboard"][1] / scoped["live"][1], 4)}))


if __name__ == "__main__":
    main()
