"""Periodic work of intake as Celery tasks (beat schedule: CELERY_BEAT_SCHEDULE in config/settings.py).

The management command of the same name calls this, so a run by cron or by hand is recorded
(``core.jobs``) like one by beat.
"""
from celery import shared_task

from core.jobs import recorded_job
from feedback import lifecycle


@shared_task(name="feedback.erase_expired_contacts", ignore_result=True)
@recorded_job("feedback.erase_expired_contacts")
def erase_expired_contacts():
    return lifecycle.erase_expired_contacts()
