"""Intents: what must be told, written with the change; rendered and sent after it commits.

In the change's transaction (``notifications.receivers``) only one small row is written: which
event, submission or deadline stage it is about. Rendering the staff notifications and the
citizens' emails and SMS (templates, audience queries) happens after commit, outside the case's
row lock, in ``intent_process``: a task queued on commit, and the periodic sweep for anything
whose task never ran or failed. A failure is retried with backoff and, after the last attempt,
left ``failed`` (listed in the admin, counted on ``/healthz``), never dropped silently.
"""
import logging

from django.db import transaction
from django.utils import timezone

from notifications import retry, services
from notifications.models import IntentStatus, IntentTopic, NotificationIntent
from notifications.rules import rules_for

log = logging.getLogger(__name__)


# --- written in the change's transaction -----------------------------------------------------------

def _write(intent):
    intent.save()
    transaction.on_commit(lambda: _kick(intent.pk))
    return intent


def intent_for_event(event):
    """One intent for a case event whose transition tells anyone (the opening tells through the
    submission's receipt)."""
    if event.transition == "submit" or not rules_for(event.transition, happening=event):
        return None
    return _write(NotificationIntent(topic=IntentTopic.EVENT, case_id=event.case_id, event=event,
                                     created_at=event.created_at, dedupe_key=f"event:{event.pk}"))


def intent_for_submission(submission):
    """One intent for a receipt, when the submitter is to get one."""
    if not services.wants_receipt(submission):
        return None
    return _write(NotificationIntent(topic=IntentTopic.RECEIVED, case_id=submission.case_id, submission=submission,
                                     created_at=submission.submitted_at, dedupe_key=f"received:{submission.pk}"))


def intent_for_deadline(case, stage, now):
    """One intent for a deadline stage reached, with the agency holding the case at that moment."""
    key = f"deadline:{case.pk}:{stage}:{case.due_at.timestamp():.0f}:{now.timestamp():.0f}"
    return _write(NotificationIntent(topic=IntentTopic.DEADLINE, case=case, stage=stage, agency_id=case.agency_id,
                                     created_at=now, dedupe_key=key))


def _kick(intent_id):
    from notifications.tasks import process_notification_intent

    try:
        process_notification_intent.delay(intent_id)
    except Exception as exc:  # broker down: the intent is pending, the sweep will render it
        log.warning("intents: could not queue intent %s (%s); the sweep will retry", intent_id,
                    exc.__class__.__name__)


# --- rendered after commit ------------------------------------------------------------------------

def _render(intent):
    if intent.topic == IntentTopic.EVENT:
        services.notify_event(event=intent.event)
    elif intent.topic == IntentTopic.RECEIVED:
        services.notify_submission_received(submission=intent.submission)
    else:
        services.notify_deadline(case=intent.case, stage=intent.stage, agency=intent.agency, key=intent.dedupe_key,
                                 now=intent.created_at)


def _finish(intent, now):
    intent.status, intent.done_at, intent.last_error = IntentStatus.DONE, now, ""
    intent.save(update_fields=["status", "done_at", "last_error"])


def _contacts(intent):
    """Everything personal a rendering error could quote, to keep it out of ``last_error`` and logs."""
    values = intent.case.submissions.values_list("contact_name", "contact_phone", "contact_email")
    return [value for row in values for value in row if value]


def intent_process(*, intent_id, now=None):
    """Render one due intent if nobody else is; returns its status afterwards, or None if skipped."""
    return retry.attempt(NotificationIntent, intent_id, now=now or timezone.now(), work=_render, finish=_finish,
                         hidden=_contacts)


def intents_sweep(*, now=None, limit=500):
    """Render every due pending intent (oldest first, at most ``limit``); returns how many were done."""
    now = now or timezone.now()
    due = retry.due_ids(NotificationIntent, now=now, limit=limit)
    return sum(1 for intent_id in due if intent_process(intent_id=intent_id, now=now) == IntentStatus.DONE)
