"""Signal receivers: thin, each hands over to a service. Connected in ``NotificationsConfig.ready``.

Inside the change's transaction (``event_recorded``, ``submission_recorded``,
``deadline_stage_recorded``): write the one intent row of what must be told, nothing else.
After commit (``case_changed``, ``deadline_reached``): push to the live sockets. After commit the
change is done: a failing push (channel layer down) is logged, never raised into the request that
made the change (a live update is a convenience; the page shows the truth on its next load).
"""
import logging

from notifications import intents, live

log = logging.getLogger(__name__)


def on_event_recorded(sender, event, **kwargs):
    intents.intent_for_event(event)


def on_submission_recorded(sender, submission, **kwargs):
    intents.intent_for_submission(submission)


def on_deadline_stage_recorded(sender, case, stage, now, **kwargs):
    intents.intent_for_deadline(case, stage, now)


def on_case_changed(sender, case, event, **kwargs):
    try:
        live.broadcast_case_change(case=case, event=event)
    except Exception:
        log.exception("live: could not push the change of case %s", case.pk)


def on_deadline_reached(sender, case, stage, **kwargs):
    try:
        live.broadcast_deadline(case=case, stage=stage)
    except Exception:
        log.exception("live: could not push the deadline of case %s", case.pk)
