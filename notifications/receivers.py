"""Signal receivers: thin, each hands over to a service. Connected in ``NotificationsConfig.ready``.

Inside the change's transaction (``post_save`` of the event or the submission): write the in-app
notifications and the outbox rows. After commit (``case_changed``, ``deadline_reached``): push to
the live sockets. After commit the change is done: a failing push (channel layer down) is logged,
never raised into the request that made the change.
"""
import logging

from notifications import live, services

log = logging.getLogger(__name__)


def on_case_event_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.notify_event(event=instance)


def on_submission_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.notify_submission_received(submission=instance)


def on_case_changed(sender, case, event, **kwargs):
    try:
        live.broadcast_case_change(case=case, event=event)
    except Exception:
        log.exception("live: could not push the change of case %s", case.pk)


def on_deadline_reached(sender, case, stage, **kwargs):
    services.notify_deadline(case=case, stage=stage)
    try:
        live.broadcast_deadline(case=case, stage=stage)
    except Exception:
        log.exception("live: could not push the deadline of case %s", case.pk)
