"""Celery app: used when CELERY_BROKER_URL or REDIS_URL is set; otherwise tasks run in-process.

Worker: ``celery -A config worker -l info``; periodic jobs: ``celery -A config beat -l info``.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pakn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from core.request_id import connect_celery_signals  # noqa: E402

# The request that queued a task names the task's log lines too.
connect_celery_signals()
