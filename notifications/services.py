"""Writing notifications: the in-app rows for staff and the outbox rows for citizens.

``notify_event`` runs inside the transaction that wrote the case event, so the messages commit or
roll back with the change; pushing them live and delivering the outbox happen after commit. A
failure here is contained in a savepoint and logged: a notification bug must never stop a case.
"""
import logging

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


def _staff_notifications(case, rules, *, body="", exclude_user_id=None, now=None):
    """Unsaved Notification rows for the staff audiences of ``rules`` (one per person)."""
    url = reverse("workflow:case", args=[case.pk])
    rows, seen = [], {exclude_user_id}
    with override(settings.LANGUAGE_CODE):
        for rule in rules:
            if rule.audience == CITIZEN:
                continue
            for user_id in sorted(staff_user_ids(case=case, audience=rule.audience) - seen):
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

def _public_url(feedback):
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + reverse("feedback:public", args=[feedback.tracking_code])


def _citizen_context(feedback, case, event, *, private_url):
    message = event.message if event is not None and event.is_public else ""
    public_url = _public_url(feedback)
    return {
        "tracking_code": feedback.tracking_code, "case_title": case.title, "public_url": public_url,
        # The submitter's own page when their key can be had (their messages only), else the public one.
        "private_url": private_url or "", "link": private_url or public_url,
        "answer": case.answer if case.state in (State.ANSWERED, State.CLOSED) else "",
        "message": message, "reject_message": case.reject_message, "site_name": settings.PAKN_SITE_NAME,
    }


def _rendered(feedback, case, kind, language, event, *, private_url):
    """(subject, text, html, sms) with the private link replaced by the placeholder, or None if the
    link did not survive rendering whole (an SMS cut at its length limit)."""
    context = _citizen_context(feedback, case, event, private_url=private_url)
    subject, text, html = render_email(kind=kind, language=language, context=context)
    sms = fit_sms(render_sms(kind=kind, language=language, context=context),
                  ascii_only=get_sms_backend().requires_ascii)
    parts = [links.without_link(part, private_url) for part in (text, html, sms)]
    return None if None in parts else (subject, *parts)


def _citizen_messages(feedback, case, kind, *, key, event=None):
    """Unsaved outbox rows (email and/or SMS) for one submitter, in their language."""
    language = message_language(feedback.language)
    rendered = _rendered(feedback, case, kind, language, event, private_url=links.link_for(feedback))
    if rendered is None:
        rendered = _rendered(feedback, case, kind, language, event, private_url=None)
    subject, text, html, sms = rendered
    messages = []
    if feedback.contact_email:
        messages.append(OutboxMessage(channel=OutboxChannel.EMAIL, to=feedback.contact_email, subject=subject,
                                      body_text=text, body_html=html, language=language, case=case, kind=kind,
                                      submission=feedback, dedupe_key=f"{key}:email:{feedback.pk}"))
    if feedback.contact_phone:
        messages.append(OutboxMessage(channel=OutboxChannel.SMS, to=feedback.contact_phone, body_text=sms,
                                      language=language, case=case, kind=kind, submission=feedback,
                                      dedupe_key=f"{key}:sms:{feedback.pk}"))
    return messages


def _write_citizen_messages(case, rules, *, key, event=None):
    kinds = [rule.kind for rule in rules if rule.audience == CITIZEN]
    if not kinds:
        return
    messages = [m for feedback in citizen_recipients(case) for kind in kinds
                for m in _citizen_messages(feedback, case, kind, key=f"{key}:{kind}", event=event)]
    outbox_kick_on_commit(outbox_write(messages))


# --- entry points (called by notifications.receivers) ----------------------------------------

def _contained(what):
    """Run ``what`` in a savepoint; a failure is logged and rolled back without touching the case."""
    try:
        with transaction.atomic():
            what()
    except Exception:
        log.exception("notifications: could not write the notifications of a case change")


def notify_event(*, event):
    """Write what the rules say for one case event: staff notifications and citizens' outbox rows."""
    case = event.case
    rules = rules_for(event.transition, case=case, event=event)
    if not rules or event.transition == "submit":  # the submission itself announces "received"
        return

    def write():
        body = Truncator(event.message).chars(300) if event.message else ""
        _store_and_push(_staff_notifications(case, rules, body=body, exclude_user_id=event.actor_id,
                                             now=event.created_at))
        _write_citizen_messages(case, rules, key=f"e{event.pk}", event=event)
    _contained(write)


def notify_submission_received(*, feedback):
    """Tell a submitter who left a contact that their submission arrived (same transaction as intake)."""
    if feedback.anonymous or not (feedback.contact_email or feedback.contact_phone):
        return

    def write():
        messages = _citizen_messages(feedback, feedback.case, "received", key=f"received:{feedback.pk}")
        outbox_kick_on_commit(outbox_write(messages))
    _contained(write)


def notify_deadline(*, case, stage):
    """Reminder at 75% of a step's time, and at the deadline the escalation to supervisors."""
    transition = REMINDER if stage < 100 else OVERDUE
    rules = rules_for(transition, case=case)
    _contained(lambda: _store_and_push(_staff_notifications(case, rules)))


def notifications_mark_read(*, user, ids=None, now=None):
    """Mark the user's own notifications read (the given ids, or all); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=now or timezone.now())
