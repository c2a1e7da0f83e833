"""Periodic jobs record their last run (``core.models.JobRun``) so that a stopped beat or cron shows.

``@recorded_job("notifications.sweep_outbox")`` on the function a Celery task and its management
command both call: start, end, duration, result or error class go to the job's one row. A failure
to record never changes what the job does or raises.
"""
import functools
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from core.models import JobRun

log = logging.getLogger(__name__)
# A job is late when its last success is older than this many of its intervals (plus a minute).
LATE_AFTER_INTERVALS = 2


def _record(name, **fields):
    counters = {key: F(key) + 1 for key in fields.pop("count", ())}
    try:
        JobRun.objects.update_or_create(name=name, defaults=fields)
        if counters:
            JobRun.objects.filter(name=name).update(**counters)
    except DatabaseError as exc:
        log.warning("could not record a run of %s (%s)", name, exc.__class__.__name__)


def _summary(result):
    if isinstance(result, dict):
        return ", ".join(f"{key}={value}" for key, value in result.items())[:200]
    return "" if result is None else str(result)[:200]


def recorded_job(name):
    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            started, clock = timezone.now(), time.monotonic()
            _record(name, last_status=JobRun.Status.RUNNING, last_started_at=started)
            try:
                result = function(*args, **kwargs)
            except Exception as exc:
                _record(name, last_status=JobRun.Status.FAILED, last_finished_at=timezone.now(),
                        last_duration_ms=round((time.monotonic() - clock) * 1000),
                        last_error=exc.__class__.__name__, count=("runs", "failures"))
                raise
            finished = timezone.now()
            _record(name, last_status=JobRun.Status.OK, last_finished_at=finished, last_success_at=finished,
                    last_duration_ms=round((time.monotonic() - clock) * 1000), last_result=_summary(result),
                    last_error="", count=("runs",))
            return result
        return run
    return decorate


def scheduled_jobs():
    """``{task name: interval in seconds}`` from the beat schedule (the jobs that must keep running)."""
    jobs = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        schedule = entry["schedule"]
        seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else float(schedule)
        jobs[entry["task"]] = seconds
    return jobs


def job_report(now=None):
    """Each scheduled job's last run and whether it is late (never ran, or no success for too long)."""
    now = now or timezone.now()
    runs = {run.name: run for run in JobRun.objects.all()}
    report = {}
    for name, interval in sorted(scheduled_jobs().items()):
        run = runs.get(name)
        success = run.last_success_at if run else None
        age = (now - success).total_seconds() if success else None
        report[name] = {
            "every_seconds": int(interval),
            "last_status": run.last_status if run else None,
            "last_started_at": run.last_started_at if run else None,
            "last_success_at": success,
            "seconds_since_success": None if age is None else round(age),
            "last_duration_ms": run.last_duration_ms if run else None,
            "last_result": run.last_result if run else "",
            "last_error": run.last_error if run else "",
            "late": age is None or age > LATE_AFTER_INTERVALS * interval + 60,
        }
    return report
