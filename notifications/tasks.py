"""Rendering and delivery as Celery tasks (run in-process when no broker is configured)."""
from celery import shared_task

from core.jobs import recorded_job
from notifications.intents import intent_process, intents_sweep
from notifications.outbox import outbox_deliver, outbox_sweep


@shared_task(name="notifications.process_notification_intent", ignore_result=True)
def process_notification_intent(intent_id):
    """Render one intent now; a failure leaves it pending with its next attempt time for the sweep."""
    return intent_process(intent_id=intent_id)


@shared_task(name="notifications.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id):
    """Try one message now; a failure leaves it pending with its next attempt time for the sweep."""
    return outbox_deliver(message_id=message_id)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
@recorded_job("notifications.sweep_outbox")
def sweep_outbox(limit=500):
    """Render every due intent, then send every due message: nothing is lost if a kick was.

    Each run is recorded (``core.jobs``), by beat or by ``manage.py sweep_outbox``."""
    return {"rendered": intents_sweep(limit=limit), "sent": outbox_sweep(limit=limit)}
