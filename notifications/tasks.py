"""Delivery of the outbox as Celery tasks (run in-process when no broker is configured)."""
from celery import shared_task

from core.jobs import recorded_job
from notifications.outbox import outbox_deliver, outbox_sweep


@shared_task(name="notifications.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id):
    """Try one message now; a failure leaves it pending with its next attempt time for the sweep."""
    return outbox_deliver(message_id=message_id)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
@recorded_job("notifications.sweep_outbox")
def sweep_outbox(limit=500):
    """Send every pending message whose next attempt is due: nothing is lost if a kick was.

    Each run is recorded (``core.jobs``), by beat or by ``manage.py sweep_outbox``."""
    return outbox_sweep(limit=limit)
