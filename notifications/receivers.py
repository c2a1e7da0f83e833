"""Signal receivers: thin, each hands over to a service. Connected in ``NotificationsConfig.ready``.

Inside the change's transaction (``event_recorded``, ``submission_recorded``,
``deadline_stage_recorded``): write the one intent row of what must be told, nothing else.
After commit (``case_changed``, ``deadline_reached``): push to the live sockets. After commit the
change is done: a failing push (channel layer down) is logged, never raised into the request that
made the change (a live update is a convenience; the page shows the truth on its next load).
"""
import logging

from django.db import transaction

from notifications import intents, live, outbox, subscriptions

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


def _access_changed_on_commit(user_id):
    def push():
        try:
            live.push_access_changed(user_ids=[user_id])
        except Exception:
            log.exception("live: could not tell the sockets of user %s that their access changed", user_id)
    transaction.on_commit(push)


def on_membership_changed(sender, instance, raw=False, **kwargs):
    """A role given or taken away: the person's open sockets re-read what they may hear."""
    if not raw:
        _access_changed_on_commit(instance.user_id)


def on_user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """Deactivated, made superuser, password changed: re-checked (a sign-in's last_login is not)."""
    if not (raw or created or (update_fields is not None and set(update_fields) == {"last_login"})):
        _access_changed_on_commit(instance.pk)


def on_token_deleted(sender, instance, **kwargs):
    """A revoked token (by a password change, a deactivation or the admin) closes its sockets."""
    _access_changed_on_commit(instance.user_id)


def on_contact_erased(sender, submission, addresses, **kwargs):
    """Inside the erasing transaction: the outbox forgets the addresses along with the submission,
    and the browsers that followed it by Web Push are forgotten too."""
    outbox.outbox_forget(submission_id=submission.pk, addresses=addresses)
    subscriptions.push_forget_submission(submission_id=submission.pk)
