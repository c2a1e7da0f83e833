"""Rendering what must be told: the in-app rows and pushes for staff, the outbox rows for citizens.

These run after the change has committed, outside its row lock, when ``notifications.intents``
works through an intent written with the change; pushing the rows live and delivering the outbox
happen after that work commits. A failure here is not swallowed: the intent takes it back, keeps
its reason and is tried again (``notifications.retry``), and after the last attempt it is listed
as failed in the admin and counted on ``/healthz``.

Each person's choices are read here: a staff member's kinds of notice in the bell and by push and
their quiet hours (``notifications.preferences``); a citizen's email and SMS (their submission)
and the browsers they subscribed. With ``PAKN_SMS_ONLY_AS_FALLBACK`` a citizen's SMS is written
only when neither email nor push reaches them, and beside a push it is held in reserve
(``notifications.outbox``).
"""
import logging
from collections import namedtuple

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy
from django.utils.translation import override

from feedback.services import email_unsubscribe_url
from notifications import links, live
from notifications.email import message_language, render_email, render_sms
from notifications.models import Notification, OutboxChannel, OutboxMessage, OutboxStatus
from notifications.outbox import outbox_kick_on_commit, outbox_write
from notifications.preferences import staff_settings_by_user
from notifications.push_messages import citizen_payload, staff_payload
from notifications.rules import CITIZEN, OVERDUE, REMINDER, REMINDER_KINDS, rules_for
from notifications.selectors import (case_tracking_code, citizen_recipients, push_subscriptions_of_submissions,
                                     push_subscriptions_of_users, staff_user_ids)
from notifications.sms import fit_sms, get_sms_backend
from workflow.models import State
from workflow.working_time import get_calendar

log = logging.getLogger(__name__)
# What a reminder is about, in the shape the notices' conditions read (a CaseEvent has the same).
Happening = namedtuple("Happening", "agency_id to_state")

STAFF_TITLES = {
    "assigned": gettext_lazy("Hồ sơ mới chuyển đến"),
    "info_provided": gettext_lazy("Người dân đã bổ sung thông tin"),
    "returned": gettext_lazy("Hồ sơ bị cơ quan trả lại"),
    "approval_needed": gettext_lazy("Bản trả lời chờ duyệt"),
    "approved": gettext_lazy("Bản trả lời đã được duyệt"),
    "sent_back": gettext_lazy("Bản trả lời bị trả lại để sửa"),
    "extension_request": gettext_lazy("Đề nghị gia hạn xử lý"),
    "extension_granted": gettext_lazy("Hồ sơ đã được gia hạn"),
    "extension_refused": gettext_lazy("Đề nghị gia hạn không được đồng ý"),
    "reopened": gettext_lazy("Hồ sơ được mở lại"),
    "withdrawn": gettext_lazy("Người dân đã rút phản ánh"),
    "reminder": gettext_lazy("Sắp đến hạn (đã dùng 75% thời gian)"),
    "overdue": gettext_lazy("Hồ sơ đã đến hạn"),
    "escalated": gettext_lazy("Hồ sơ quá hạn cần chỉ đạo"),
}


def staff_kind_label(kind):
    """What a kind of staff notice is called (the bell's titles, the push's, the settings page)."""
    return str(STAFF_TITLES.get(kind, kind))


def _staff_title(kind, case):
    return Truncator(f"{staff_kind_label(kind)}: #{case.pk} {case.title}").chars(200)


def _staff_audience(rules, *, agency, exclude_user_id):
    """``[(user_id, kind)]`` for the staff audiences of ``rules`` for a case held by ``agency``: one
    per person, through the first notice that reaches them; never the person who acted."""
    audience, seen = [], {exclude_user_id}
    for rule in rules:
        if rule.audience == CITIZEN:
            continue
        for user_id in sorted(staff_user_ids(agency=agency, audience=rule.audience) - seen):
            seen.add(user_id)
            audience.append((user_id, rule.kind))
    return audience


def _tell_staff(case, rules, *, agency, key, body="", exclude_user_id=None, now=None):
    """The bell's rows and the pushes for the staff audiences of ``rules``, as each person chose."""
    audience = _staff_audience(rules, agency=agency, exclude_user_id=exclude_user_id)
    if not audience:
        return
    choices = staff_settings_by_user([user_id for user_id, _kind in audience])
    url = reverse("workflow:case", args=[case.pk])
    with override(settings.LANGUAGE_CODE):
        rows = [Notification(user_id=user_id, case=case, kind=kind, url=url, title=_staff_title(kind, case), body=body,
                             created_at=now or timezone.now())
                for user_id, kind in audience if kind not in choices[user_id].muted_in_app]
    _store_and_push(rows)
    wanted = [(user_id, kind) for user_id, kind in audience if kind not in choices[user_id].muted_push]
    outbox_kick_on_commit(outbox_write(_staff_pushes(case, wanted, choices, key=key)))


def _staff_pushes(case, wanted, choices, *, key):
    """Unsaved push rows to each browser of the people in ``wanted``; a reminder's wait for office
    hours when its recipient keeps quiet hours."""
    browsers = push_subscriptions_of_users([user_id for user_id, _kind in wanted])
    if not browsers:
        return []
    url = settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + reverse("workflow:case", args=[case.pk])
    code, now, language = case_tracking_code(case), timezone.now(), settings.LANGUAGE_CODE
    rows = []
    for user_id, kind in wanted:
        due = get_calendar().next_opening(now) if kind in REMINDER_KINDS and choices[user_id].quiet_hours else now
        payload = staff_payload(title=STAFF_TITLES.get(kind, kind), case_id=case.pk, tracking_code=code, url=url,
                                language=language)
        rows += [OutboxMessage(channel=OutboxChannel.PUSH, to=browser.service_host, body_text=payload,
                               language=language, case=case, kind=kind, push_subscription=browser,
                               next_attempt_at=due, dedupe_key=f"{key}:{kind}:u{user_id}:push:{browser.pk}")
                 for browser in browsers.get(user_id, ())]
    return rows


def _store_and_push(rows):
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [n.pk for n in created if n.pk] or None
        user_ids = sorted({n.user_id for n in created})
        transaction.on_commit(lambda: _announce_live(user_ids, ids))
    return created


def _announce_live(user_ids, notification_ids):
    """The bell of each open staff page, over the live socket (Web Push is the outbox's)."""
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
        "unsubscribe_url": email_unsubscribe_url(submission),
    }


def _rendered(submission, case, kind, language, event, *, private_url, sms_backend):
    """(subject, text, html, sms) with the private link replaced by the placeholder (``sms`` None
    when no SMS goes out), or None if the link did not survive rendering whole (an SMS cut at its
    length limit)."""
    context = _citizen_context(submission, case, event, private_url=private_url)
    subject, text, html = render_email(kind=kind, language=language, context=context)
    bodies = [text, html]
    if sms_backend is not None:
        bodies.append(fit_sms(render_sms(kind=kind, language=language, context=context),
                              ascii_only=sms_backend.requires_ascii))
    bodies = [links.without_link(body, private_url) for body in bodies]
    if None in bodies:
        return None
    return (subject, *bodies, None) if sms_backend is None else (subject, *bodies)


def _citizen_messages(submission, case, kind, *, key, event=None, browsers=()):
    """Unsaved outbox rows for one submitter, in their language, by the channels they chose: email,
    a push to each browser they subscribed, and SMS (see ``_sms_status``; none when no gateway is
    configured). Their private link is in the bodies as a placeholder, written in when sent
    (``notifications.links``)."""
    language = message_language(submission.language)
    contactable = not submission.anonymous
    wants_sms = contactable and submission.contact_phone and submission.notify_sms
    sms_backend = get_sms_backend() if wants_sms else None
    private_url = links.link_for(submission)
    rendered = (_rendered(submission, case, kind, language, event, private_url=private_url, sms_backend=sms_backend)
                or _rendered(submission, case, kind, language, event, private_url=None, sms_backend=sms_backend))
    subject, text, html, sms = rendered
    common = {"language": language, "case": case, "kind": kind, "submission": submission,
              "message_key": f"{key}:{submission.pk}"}
    emails = [OutboxMessage(channel=OutboxChannel.EMAIL, to=submission.contact_email, subject=subject, body_text=text,
                            body_html=html, dedupe_key=f"{key}:email:{submission.pk}", **common)
              ] if contactable and submission.contact_email and submission.notify_email else []
    payload = citizen_payload(kind=kind, tracking_code=submission.tracking_code, language=language,
                              url=links.PRIVATE_LINK if private_url else _public_url(submission))
    pushes = [OutboxMessage(channel=OutboxChannel.PUSH, to=browser.service_host, body_text=payload,
                            push_subscription=browser, dedupe_key=f"{key}:push:{submission.pk}:{browser.pk}", **common)
              for browser in browsers]
    status = _sms_status(by_email=bool(emails), by_push=bool(pushes))
    texts = [OutboxMessage(channel=OutboxChannel.SMS, to=submission.contact_phone, body_text=sms, status=status,
                           dedupe_key=f"{key}:sms:{submission.pk}", **common)
             ] if sms_backend is not None and status is not None else []
    return emails + pushes + texts


def _sms_status(*, by_email, by_push):
    """An SMS costs the province money: with ``PAKN_SMS_ONLY_AS_FALLBACK`` it is not written beside
    an email, and beside a push it is held in reserve (sent only if no push reaches the person)."""
    if not settings.PAKN_SMS_ONLY_AS_FALLBACK:
        return OutboxStatus.PENDING
    if by_email:
        return None
    return OutboxStatus.HELD if by_push else OutboxStatus.PENDING


def _write_citizen_messages(case, rules, *, key, event=None):
    kinds = [rule.kind for rule in rules if rule.audience == CITIZEN]
    if not kinds:
        return
    # A merge tells the senders it handed on, who no longer follow the merged case.
    handed_on = event.data.get("submissions") if event is not None and event.transition == "merge" else None
    recipients = citizen_recipients(case, submission_ids=handed_on)
    browsers = push_subscriptions_of_submissions([submission.pk for submission in recipients])
    messages = [m for submission in recipients for kind in kinds
                for m in _citizen_messages(submission, case, kind, key=f"{key}:{kind}", event=event,
                                           browsers=browsers.get(submission.pk, ()))]
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
    _tell_staff(case, rules, agency=event.agency, key=f"e{event.pk}", body=body, exclude_user_id=event.actor_id,
                now=event.created_at)
    _write_citizen_messages(case, rules, key=f"e{event.pk}", event=event)


def wants_receipt(submission):
    """A submitter who left a contact and did not ask to stay anonymous is told it arrived."""
    return not submission.anonymous and bool(submission.contact_email or submission.contact_phone)


def notify_submission_received(*, submission):
    """Tell a submitter who left a contact that their submission arrived."""
    if not wants_receipt(submission):
        return
    browsers = push_subscriptions_of_submissions([submission.pk]).get(submission.pk, ())
    messages = _citizen_messages(submission, submission.case, "received", key=f"received:{submission.pk}",
                                 browsers=browsers)
    outbox_kick_on_commit(outbox_write(messages))


def notify_deadline(*, case, stage, agency, key, now=None):
    """Reminder at 75% of a step's time, and at the deadline the escalation to supervisors, for a
    case held by ``agency`` at that moment (``key``: the intent's, naming this stage reached)."""
    transition = REMINDER if stage < 100 else OVERDUE
    rules = rules_for(transition, happening=Happening(agency_id=getattr(agency, "pk", None), to_state=case.state))
    _tell_staff(case, rules, agency=agency, key=key, now=now)


def notifications_mark_read(*, user, ids=None, now=None):
    """Mark the user's own notifications read (the given ids, or all); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=now or timezone.now())
