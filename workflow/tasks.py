"""Periodic work of the workflow as Celery tasks (run in-process when no broker is configured).

Beat schedule: see ``CELERY_BEAT_SCHEDULE`` in config/settings.py. The management commands of the
same names call these, so a run by cron or by hand is recorded (``core.jobs``) like one by beat.
"""
from celery import shared_task

from core.jobs import recorded_job
from workflow.reminders import cases_send_deadline_reminders
from workflow.services import cases_auto_close


@shared_task(name="workflow.send_deadline_reminders", ignore_result=True)
@recorded_job("workflow.send_deadline_reminders")
def send_deadline_reminders():
    return cases_send_deadline_reminders()


@shared_task(name="workflow.close_expired_cases", ignore_result=True)
@recorded_job("workflow.close_expired_cases")
def close_expired_cases():
    return cases_auto_close()
