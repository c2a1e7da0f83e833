"""Load test: the peak-hour mix of ``bench/load/locustfile.py`` (locust) against real daphne workers
on PostgreSQL and Redis, with one and with four worker processes.

    .venv/bin/python bench/load.py --redis redis://127.0.0.1:6379/13 [--workers 1 4] [--seconds 120]
                                   [--database pakn_bench_load] [--scale 1] [--json]
    .venv/bin/python bench/load.py --smoke ...   # a few seconds, tiny rates: what CI runs

For each worker count: a fresh PostgreSQL database (dropped afterwards unless ``--keep``),
migrated and seeded with the demo province (``seed_demo``, its history played through the
services, the stored aggregates rebuilt), then that many daphne processes (each with its
connection pool, the Redis channel layer and cache, background work in-process after commit)
and locust, headless, for ``--seconds`` after a ramp. Each locust user talks to one worker, the
users spread over the workers as a balancer would. The photo attached to every submission is a
phone-sized JPEG (``--photo``, default: the fixtures' 8 MP phone photo when present, else a 3 MP
one drawn here). Throttles are lifted (every client is 127.0.0.1).

Prints, per endpoint: requests, failures, requests/second, median, p95 and p99 in ms; and in total.
``--json`` prints one JSON object as the last line. Loopback only; bounded in time; stops its
processes. Not part of CI except ``--smoke`` (``tests/ops/test_load_smoke.py``).
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notifications import servers  # noqa: E402
from tests.ops import stack  # noqa: E402

LOCUST = str(ROOT / ".venv" / "bin" / "locust")
FIXTURE_PHOTO = Path(os.environ.get("PAKN_PHOTO_FIXTURES") or ROOT.parent / "shared" / "fixtures" / "photos") \
    / "jpg_mobile_jolla.jpg"
# Users of each kind at scale 1 (each runs at a constant rate: see the locustfile).
USERS = {"citizens": 20, "reception": 4, "officers": 6, "supervisors": 3}
AUTH_SCRIPT = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
users = {"reception": "tiepnhan", "officer": "xuly", "supervisor": "giamsat"}
result = {}
for role, name in users.items():
    user = get_user_model().objects.get(username=name)
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    result[role] = {"token": Token.objects.get_or_create(user=user)[0].key, "session": session.session_key}
print(json.dumps(result))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--pg", default=os.environ.get("PG_URL_BASE", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="pakn_bench_load")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every rate of the mix")
    parser.add_argument("--cases", type=int, default=300, help="demo history seeded before the run")
    parser.add_argument("--photo", type=Path, default=None)
    parser.add_argument("--smoke", action="store_true", help="a few seconds at a tenth of the rates (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.scale, args.cases, args.workers = 6, 0.3, 20, args.workers[:1]
    return args


def photo_path(args, folder):
    if args.photo:
        return args.photo
    if FIXTURE_PHOTO.exists() and not args.smoke:
        return FIXTURE_PHOTO
    from PIL import Image, ImageDraw

    path = Path(folder) / "photo.jpg"
    img = Image.new("RGB", (2000, 1500), (90, 120, 160))
    draw = ImageDraw.Draw(img)
    for i in range(0, 2000, 40):
        draw.line([(i, 0), (2000 - i, 1500)], fill=(i % 255, 80, 200 - i % 200), width=7)
    img.save(path, "JPEG", quality=88)
    return path


def fresh_database(base, name):
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base, name):
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_locust(env, hosts, auth, photo, args, folder):
    counts = {kind: max(1, round(n * (0.25 if args.smoke else 1))) for kind, n in USERS.items()}
    locust_env = {**env, "PAKN_LOAD_HOSTS": ",".join(hosts), "PAKN_LOAD_AUTH": json.dumps(auth),
                  "PAKN_LOAD_PHOTO": str(photo), "PAKN_LOAD_SCALE": str(args.scale),
                  **{f"PAKN_LOAD_{kind.upper()}": str(n) for kind, n in counts.items()}}
    prefix = Path(folder) / "locust"
    users = sum(counts.values())
    command = [LOCUST, "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless", "-u", str(users),
               "-r", str(max(users, 10)), "-t", f"{args.seconds}s", "--host", hosts[0], "--csv", str(prefix),
               "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"]
    result = subprocess.run(command, env=locust_env, cwd=ROOT, capture_output=True, text=True,
                            timeout=args.seconds + 120)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise RuntimeError(f"locust wrote no statistics:\n{result.stderr[-3000:]}")
    failures_file = Path(f"{prefix}_failures.csv")
    errors = list(csv.DictReader(io.StringIO(failures_file.read_text()))) if failures_file.exists() else []
    return list(csv.DictReader(io.StringIO(stats_file.read_text()))), errors


def figures(rows, seconds):
    table = []
    for row in rows:
        table.append({"name": row["Name"], "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                      "rps": round(float(row["Requests/s"]), 2), "p50_ms": _number(row["50%"]),
                      "p95_ms": _number(row["95%"]), "p99_ms": _number(row["99%"])})
    return table


def _number(value):
    return None if value in ("N/A", "") else round(float(value))


def report(workers, table):
    print(f"\n{workers} worker process(es):")
    print(f"{'endpoint':<34}{'requests':>9}{'failed':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in table:
        print(f"{row['name'][:34]:<34}{row['requests']:>9}{row['failures']:>8}{row['rps']:>8}"
              f"{row['p50_ms'] or '-':>7}{row['p95_ms'] or '-':>7}{row['p99_ms'] or '-':>7}")


def one_run(args, workers, folder):
    database = f"{args.database}_{workers}w"
    url = f"{args.pg}/{database}"
    fresh_database(args.pg, database)
    env = stack.server_env(database_url=url, redis_url=args.redis, tmp=folder, extra={
        "PAKN_CHANNEL_PREFIX": f"pakn-load-{os.getpid()}", "DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING",
        "DB_POOL_MAX_SIZE": "8", "DB_POOL_MIN_SIZE": "2", "PAKN_SERVE_MEDIA": "0"})
    try:
        servers.manage(["migrate", "--noinput"], env, timeout=600)
        servers.manage(["seed_demo", "--allow-demo-users", "--cases", str(args.cases), "--months", "6"], env,
                       timeout=1800)
        auth = servers.django_script(AUTH_SCRIPT, env)
        ports = [servers.free_port() for _ in range(workers)]
        processes = [stack.start_worker(port, env, log_dir=folder, name=f"pakn-load-{port}") for port in ports]
        try:
            for port, process in zip(ports, processes):
                servers.wait_until_ready(port, process, timeout=60)
            rows, log = run_locust(env, [f"http://127.0.0.1:{p}" for p in ports], auth, photo_path(args, folder),
                                   args, folder)
        finally:
            for process in processes:
                servers.stop(process)
        return figures(rows, args.seconds), log
    finally:
        if not args.keep:
            drop_database(args.pg, database)


def main():
    args = parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for workers in args.workers:
            started = time.monotonic()
            table, errors = one_run(args, workers, folder)
            report(workers, table)
            for error in errors[:10]:
                print(f"  failed {error['Occurrences']}×: {error['Name']}: {error['Error'][:300]}")
            print(f"({args.seconds} s of load at scale {args.scale}; {time.monotonic() - started:.0f} s in all)")
            results[str(workers)] = table
    if args.json:
        print(json.dumps({"seconds": args.seconds, "scale": args.scale, "workers": results}))
    failures = sum(row["failures"] for table in results.values() for row in table if row["name"] == "Aggregated")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
