"""What an operator (or the proxy) needs to know about a worker and the services behind it.

``liveness``: does the database answer (``/healthz``, the contract). ``report``: the figures other
apps register (``register``: the notifications' intents and outbox), shown on ``/healthz`` too.
``readiness``: every service the worker uses (database, Redis, photo store, task broker), the
registered figures and each periodic job's last run (``/readyz``). Nothing here carries personal
data. A registered figure may say ``"problem": True`` (e.g. a message given up on).

Status: ``ok``; ``degraded`` when a service other than the database is down, a periodic job is
late or a section reports a problem (the worker still serves: submissions and transitions do not
need Redis or the broker); ``unavailable`` (503) only when the database does not answer.
"""
import logging
import os
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from core.jobs import job_report

log = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 2
_probes = {}


def register(name, probe):
    """Add ``probe()`` (a small dict of figures) to /healthz and /readyz under ``name``."""
    _probes[name] = probe


def report():
    """Every registered figure; a probe that fails is reported as such, never failing the check."""
    figures = {}
    for name, probe in _probes.items():
        try:
            figures[name] = probe()
        except Exception as exc:  # a figure missing is worth saying, not worth failing the check
            log.warning("healthz: probe %s failed (%s)", name, exc.__class__.__name__)
            figures[name] = {"error": exc.__class__.__name__}
    return figures


def _timed(check):
    started = time.monotonic()
    try:
        details = check() or {}
    except Exception as exc:  # any failure of the probe means the service is down, whatever raised
        return {"status": "down", "error": exc.__class__.__name__,
                "latency_ms": round((time.monotonic() - started) * 1000, 1)}
    return {"status": "ok", "latency_ms": round((time.monotonic() - started) * 1000, 1), **details}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor, **database_pool_stats()}


def database_pool_stats():
    """The psycopg pool's size, idle connections and waiting requests (empty without a pool)."""
    pool = getattr(connection, "pool", None)
    if pool is None:
        return {}
    stats = pool.get_stats()
    return {"pool": {"size": stats.get("pool_size", 0), "idle": stats.get("pool_available", 0),
                     "max_size": pool.max_size, "waiting": stats.get("requests_waiting", 0)}}


def _redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
                                  socket_timeout=PROBE_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


def _broker():
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=PROBE_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=PROBE_TIMEOUT_SECONDS)


def _storage():
    check = getattr(default_storage, "check", None)
    if check is not None:  # a bucket: can we reach it with our credentials
        check()
        return {"kind": "s3"}
    location = getattr(default_storage, "location", None)
    folder = location if location and os.path.isdir(location) else os.path.dirname(str(location or "."))
    if not os.access(folder, os.W_OK):
        raise PermissionError("photo folder not writable")
    return {"kind": "disk"}


def liveness():
    """True when the database answers (``/healthz``)."""
    return _timed(_database)["status"] == "ok"


def service_checks():
    """Each service the worker depends on: ``ok``, ``down`` or ``off`` (not configured)."""
    off = {"status": "off"}
    return {
        "database": _timed(_database),
        "redis": _timed(_redis) if settings.REDIS_URL else off,
        "storage": _timed(_storage),
        "broker": _timed(_broker) if settings.CELERY_BROKER_URL else off,
    }


def readiness(*, now=None):
    """The whole report of ``/readyz`` and whether the worker can serve (the database answers)."""
    now = now or timezone.now()
    checks = service_checks()
    result = {"checks": checks}
    database_up = checks["database"]["status"] == "ok"
    if database_up:
        result["periodic_jobs"] = job_report(now)
        result.update(report())
    problems = [name for name, check in checks.items() if check["status"] == "down"]
    problems += [f"periodic_jobs.{name}" for name, job in result.get("periodic_jobs", {}).items() if job["late"]]
    problems += [name for name in _probes if name in result and
                 ("error" in result[name] or result[name].get("problem"))]
    status = "unavailable" if not database_up else ("degraded" if problems else "ok")
    return {"status": status, "problems": problems, "at": now, "worker": {"pid": os.getpid()}, **result}, database_up
