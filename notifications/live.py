"""Live updates over the channel layer, sent after commit.

Staff sockets get ``case.changed`` in the groups that may see the case (``notifications.groups``);
a submitter's socket gets the status (and the answer once published) of their own submission.
Messages carry no personal data: codes, states and the agency's code only.
"""
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Count
from django.utils import timezone

from notifications.groups import agency_group, groups_for_case, submission_group, user_group
from notifications.models import Notification
from workflow import transitions
from workflow.models import CaseEvent, State


def _send_all(pairs):
    """Send (group, message) pairs with one trip into the event loop."""
    layer = get_channel_layer()
    if layer is None or not pairs:
        return

    async def send():
        for group, message in pairs:
            await layer.group_send(group, message)
    async_to_sync(send)()


def case_message(case, *, transition, at, event_id=None, tracking_codes=None):
    return {
        "type": "case.changed", "case_id": case.pk, "state": case.state,
        "state_label": str(State(case.state).label), "transition": transition,
        "agency": case.agency.code if case.agency_id else None,
        "tracking_codes": tracking_codes if tracking_codes is not None else
        list(case.submissions.order_by("pk").values_list("tracking_code", flat=True)),
        "at": at.isoformat(), "event_id": event_id, "sent_at": time.time(),
    }


def status_message(case, *, tracking_code):
    # The version moves with every change, so the page knows when to fetch its live part again
    # (a new deadline or a public step changes the page without changing the status).
    message = {"type": "case.status", "tracking_code": tracking_code, "status": case.state,
               "status_label": str(State(case.state).label), "version": case.version}
    if case.state in (State.ANSWERED, State.CLOSED):
        message["answer"] = case.answer
    return message


def _previous_agency_id(case, event):
    return (CaseEvent.objects.filter(case=case, pk__lt=event.pk).order_by("-pk")
            .values_list("agency_id", flat=True).first())


def _submitter_pairs(case):
    followed = case.merged_into if case.state == State.MERGED and case.merged_into_id else case
    return [(submission_group(pk), status_message(followed, tracking_code=code))
            for pk, code in followed.submissions.values_list("pk", "tracking_code")]


def broadcast_case_change(*, case, event):
    """Tell every socket allowed to see the case what changed, and its submitters their status."""
    message = case_message(case, transition=event.transition, at=event.created_at, event_id=event.pk)
    groups = groups_for_case(case)
    spec = transitions.get(event.transition)
    if spec is not None and spec.hands_away:  # the agency it left must drop it from its inbox
        previous = _previous_agency_id(case, event)
        if previous and previous != case.agency_id:
            groups.append(agency_group(previous))
    _send_all([(group, message) for group in groups] + _submitter_pairs(case))


def broadcast_deadline(*, case, stage):
    message = case_message(case, transition=f"deadline_{stage}", at=timezone.now())
    _send_all([(group, message) for group in groups_for_case(case)])


def push_notifications(*, user_ids, notification_ids):
    """Push new in-app notifications (and each person's unread count) to their own sockets."""
    if not notification_ids:
        return
    unread = dict(Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
                  .values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))
    latest = Notification.objects.filter(pk__in=notification_ids)
    pairs = []
    for n in latest.order_by("pk"):
        pairs.append((user_group(n.user_id), {
            "type": "notification", "id": n.pk, "kind": n.kind, "title": n.title, "url": n.url,
            "case_id": n.case_id, "unread_count": unread.get(n.user_id, 0), "at": n.created_at.isoformat(),
        }))
    _send_all(pairs)
