"""Periodic work of intake as Celery tasks (beat schedule: CELERY_BEAT_SCHEDULE in config/settings.py)."""
from celery import shared_task

from feedback.lifecycle import erase_expired_contacts as erase


@shared_task(name="feedback.erase_expired_contacts", ignore_result=True)
def erase_expired_contacts():
    return erase()
