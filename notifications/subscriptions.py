"""Browsers subscribed to Web Push: a citizen's for their own submission, a staff member's for them.

Rules enforced here:

- a subscription is taken only with an https endpoint on a browser's push service and valid keys
  (``notifications.push.checked_subscription``); subscribing again updates the keys;
- a citizen's browser is tied to one submission by its private key (the caller proves it); one
  browser may follow several submissions, and one submission is followed by at most
  ``PAKN_PUSH_DEVICES_PER_SUBMISSION`` browsers (the oldest gives way);
- a browser has at most one staff member: whoever subscribed on it last (a shared office
  computer tells the person now using it);
- a browser the push service says is gone is forgotten everywhere at once.
"""
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import PushSubscription
from notifications.push import checked_subscription, endpoint_hash


def _saved(lookup, values):
    """Create or update the row for ``lookup``; a simultaneous twin (same browser) updates instead."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row, _created = PushSubscription.objects.update_or_create(**lookup, defaults=values)
                return row
        except IntegrityError:
            continue
    raise IntegrityError("push subscription could not be saved")


def push_subscribe_submission(*, submission, data, now=None) -> PushSubscription:
    """Tie the browser's subscription (its PushSubscription JSON) to this submission."""
    fields = checked_subscription(data)
    digest = endpoint_hash(fields["endpoint"])
    row = _saved({"endpoint_hash": digest, "submission": submission},
                 {**fields, "user": None, "created_at": now or timezone.now()})
    keep = settings.PAKN_PUSH_DEVICES_PER_SUBMISSION
    older = PushSubscription.objects.filter(submission=submission).order_by("-created_at", "-pk").values_list("pk", flat=True)[keep:]
    PushSubscription.objects.filter(pk__in=list(older)).delete()
    return row


def push_unsubscribe_submission(*, submission, endpoint) -> int:
    """Stop pushing this submission's news to that browser; returns how many rows went (0 or 1)."""
    if not isinstance(endpoint, str) or not endpoint:
        return 0
    deleted, _ = PushSubscription.objects.filter(submission=submission, endpoint_hash=endpoint_hash(endpoint)).delete()
    return deleted


def push_forget_submission(*, submission_id) -> int:
    """The submitter's contact data was erased: no browser follows the submission any more (the
    private page can subscribe one again)."""
    deleted, _ = PushSubscription.objects.filter(submission_id=submission_id).delete()
    return deleted


def push_subscribe_user(*, user, data, now=None) -> PushSubscription:
    """Push this staff member's chosen notices to the browser; it stops telling anyone else."""
    fields = checked_subscription(data)
    digest = endpoint_hash(fields["endpoint"])
    with transaction.atomic():
        PushSubscription.objects.filter(endpoint_hash=digest, user__isnull=False).exclude(user=user).delete()
        return _saved({"endpoint_hash": digest, "user": user},
                      {**fields, "submission": None, "created_at": now or timezone.now()})


def push_unsubscribe_user(*, user, endpoint=None) -> int:
    """Stop pushing to one of the staff member's browsers, or (``endpoint`` None) to all of them."""
    rows = PushSubscription.objects.filter(user=user)
    if endpoint is not None:
        if not isinstance(endpoint, str) or not endpoint:
            return 0
        rows = rows.filter(endpoint_hash=endpoint_hash(endpoint))
    deleted, _ = rows.delete()
    return deleted


def push_forget_browser(digest) -> int:
    """The push service says this browser is gone: no submission or person follows it any more."""
    deleted, _ = PushSubscription.objects.filter(endpoint_hash=digest).delete()
    return deleted
