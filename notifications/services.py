"""Rendering what must be told: the in-app rows for staff and the outbox rows for citizens.

These run after the change has committed, outside its row lock, when ``notifications.intents``
works through an intent written with the change; pushing the rows live and delivering the outbox
happen after that work commits. A failure here is not swallowed: the intent takes it back, keeps
its reason and is tried again (``notifications.retry``), and after the last attempt it is listed
as failed in the admin and counted on ``/healthz``.
"""
import logging
from collections import namedtuple

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications import links, live
from notifications.email import message_language, render_email, render_sms
from notifications.models import Notification, OutboxChannel, OutboxMessage
from notifications.outbox import outbox_kick_on_commit, outbox_write
from notifications.rules import CITIZEN, OVERDUE, REMINDER, rules_for
from notifications.selectors import citizen_recipients, staff_user_ids
from notifications.sms import fit_sms, get_sms_backend
from workflow.models import State

log = logging.getLogger(__name__)
# What a reminder is about, in the shape the notices' conditions read (a CaseEvent has the same).
Happening = namedtuple("Happening", "agency_id to_state")


def _staff_title(kind, case):
    titles = {
        "assigned": _("Hồ sơ mới chuyển đến"),
        "info_provided": _("Người dân đã bổ sung thông tin"),
        "returned": _("Hồ sơ bị cơ quan trả lại"),
        "approval_needed": _("Bản trả lời chờ duyệt"),
        "approved": _("Bản trả lời đã được duyệt"),
        "sent_back": _("Bản trả lời bị trả lại để sửa"),
        "extension_request": _("Đề nghị gia hạn xử lý"),
        "extension_granted": _("Hồ sơ đã được gia hạn"),
        "reopened": _("Hồ sơ được mở lại"),
        "withdrawn": _("Người dân đã rút phản ánh"),
        "reminder": _("Sắp đến hạn (đã dùng 75% thời gian)"),
        "overdue": _("Hồ sơ đã đến hạn"),
        "escalated": _("Hồ sơ quá hạn cần chỉ đạo"),
    }
    return Truncator(f"{titles.get(kind, kind)}: #{case.pk} {case.title}").chars(200)


def _staff_notifications(case, rules, *, agency, body="", exclude_user_id=None, now=None):
    """Unsaved Notification rows for the staff audiences of ``rules`` (one per person), for a case
    held by ``agency`` when it happened."""
    url = reverse("workflow:case", args=[case.pk])
    rows, seen = [], {exclude_user_id}
    with override(settings.LANGUAGE_CODE):
        for rule in rules:
            if rule.audience == CITIZEN:
                continue
            for user_id in sorted(staff_user_ids(agency=agency, audience=rule.audience) - seen):
                seen.add(user_id)
                rows.append(Notification(user_id=user_id, case=case, kind=rule.kind, url=url,
                                         title=_staff_title(rule.kind, case), body=body,
                                         created_at=now or timezone.now()))
    return rows


def _store_and_push(rows):
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [n.pk for n in created if n.pk] or None
        user_ids = sorted({n.user_id for n in created})
        transaction.on_commit(lambda: _push(user_ids, ids))
    return created


def _push(user_ids, notification_ids):
    try:
        live.push_notifications(user_ids=user_ids, notification_ids=notification_ids)
    except Exception:  # the rows are stored; the bell shows them on the next page
        log.exception("live: could not push notifications")


# --- citizens --------------------------------------------------------------------------------

def _public_url(submission):
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + reverse("feedback:public", args=[submission.tracking_code])


def _citizen_context(submission, case, event, *, private_url):
    message = event.message if event is not None and event.is_public else ""
    state = event.to_state if event is not None else case.state  # as it was when it happened
    public_url = _public_url(submission)
    return {
        "tracking_code": submission.tracking_code, "case_title": case.title, "public_url": public_url,
        # The submitter's own page when their key can be had (their messages only), else the public one.
        "private_url": private_url or "", "link": private_url or public_url,
        "answer": case.answer if state in (State.ANSWERED, State.CLOSED) else "",
        "message": message, "reject_message": case.reject_message, "site_name": settings.PAKN_SITE_NAME,
    }


def _rendered(submission, case, kind, language, event, *, private_url):
    """(subject, text, html, sms) with the private link replaced by the placeholder, or None if the
    link did not survive rendering whole (an SMS cut at its length limit)."""
    context = _citizen_context(submission, case, event, private_url=private_url)
    subject, text, html = render_email(kind=kind, language=language, context=context)
    sms = fit_sms(render_sms(kind=kind, language=language, context=context),
                  ascii_only=get_sms_backend().requires_ascii)
    parts = [links.without_link(part, private_url) for part in (text, html, sms)]
    return None if None in parts else (subject, *parts)


def _citizen_messages(submission, case, kind, *, key, event=None):
    """Unsaved outbox rows (email and/or SMS) for one submitter, in their language; their private
    link is in the bodies as a placeholder, written in when sent (``notifications.links``)."""
    language = message_language(submission.language)
    rendered = _rendered(submission, case, kind, language, event, private_url=links.link_for(submission))
    if rendered is None:
        rendered = _rendered(submission, case, kind, language, event, private_url=None)
    subject, text, html, sms = rendered
    messages = []
    if submission.contact_email:
        messages.append(OutboxMessage(channel=OutboxChannel.EMAIL, to=submission.contact_email, subject=subject,
                                      body_text=text, body_html=html, language=language, case=case, kind=kind,
                                      submission=submission, dedupe_key=f"{key}:email:{submission.pk}"))
    if submission.contact_phone:
        messages.append(OutboxMessage(channel=OutboxChannel.SMS, to=submission.contact_phone, body_text=sms,
                                      language=language, case=case, kind=kind, submission=submission,
                                      dedupe_key=f"{key}:sms:{submission.pk}"))
    return messages


def _write_citizen_messages(case, rules, *, key, event=None):
    kinds = [rule.kind for rule in rules if rule.audience == CITIZEN]
    if not kinds:
        return
    messages = [m for submission in citizen_recipients(case) for kind in kinds
                for m in _citizen_messages(submission, case, kind, key=f"{key}:{kind}", event=event)]
    outbox_kick_on_commit(outbox_write(messages))


# --- what each intent renders (called by notifications.intents) ------------------------------

def notify_event(*, event):
    """Staff notifications and citizens' outbox rows for one case event, by the notices declared
    for its transition; the submission itself announces "received" instead."""
    case = event.case
    rules = rules_for(event.transition, happening=event)
    if not rules or event.transition == "submit":
        return
    body = Truncator(event.message).chars(300) if event.message else ""
    _store_and_push(_staff_notifications(case, rules, agency=event.agency, body=body,
                                         exclude_user_id=event.actor_id, now=event.created_at))
    _write_citizen_messages(case, rules, key=f"e{event.pk}", event=event)


def wants_receipt(submission):
    """A submitter who left a contact and did not ask to stay anonymous is told it arrived."""
    return not submission.anonymous and bool(submission.contact_email or submission.contact_phone)


def notify_submission_received(*, submission):
    """Tell a submitter who left a contact that their submission arrived."""
    if not wants_receipt(submission):
        return
    messages = _citizen_messages(submission, submission.case, "received", key=f"received:{submission.pk}")
    outbox_kick_on_commit(outbox_write(messages))


def notify_deadline(*, case, stage, agency, now=None):
    """Reminder at 75% of a step's time, and at the deadline the escalation to supervisors, for a
    case held by ``agency`` at that moment."""
    transition = REMINDER if stage < 100 else OVERDUE
    rules = rules_for(transition, happening=Happening(agency_id=getattr(agency, "pk", None), to_state=case.state))
    _store_and_push(_staff_notifications(case, rules, agency=agency, now=now))


def notifications_mark_read(*, user, ids=None, now=None):
    """Mark the user's own notifications read (the given ids, or all); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=now or timezone.now())
