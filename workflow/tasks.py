"""Periodic work of the workflow as Celery tasks (run in-process when no broker is configured).

Beat schedule: see ``CELERY_BEAT_SCHEDULE`` in config/settings.py.
"""
from celery import shared_task

from workflow.reminders import cases_send_deadline_reminders
from workflow.services import cases_auto_close


@shared_task(name="workflow.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders():
    return cases_send_deadline_reminders()


@shared_task(name="workflow.close_expired_cases", ignore_result=True)
def close_expired_cases():
    return cases_auto_close()
