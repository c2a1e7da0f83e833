"""The submitter's personal data over time (Nghị định 13/2023 on personal data protection).

- A submitter may take a copy of everything the system holds about their submission
  (:func:`submission_export`) and have their contact data erased (:func:`submission_erase_contact`),
  both from their private page.
- Contact data (name, phone, email, and the browsers that follow the submission by Web Push) is
  erased by itself ``PAKN_CONTACT_RETENTION_DAYS`` after the case ended (closed, rejected or
  withdrawn): :func:`erase_expired_contacts`, run daily by Celery beat
  (``feedback.erase_expired_contacts``) or by ``manage.py erase_expired_contacts`` from cron.

Erasing keeps the case and what was reported (the public record of the government's work) and
removes who reported it: the contact fields, the request fingerprint derived from them, and,
through ``contact_erased``, the copies in the outbox.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from feedback import selectors
from workflow.models import CaseEvent, State, Submission
from workflow.signals import contact_erased

ENDED_STATES = (State.CLOSED, State.REJECTED, State.WITHDRAWN)


def submission_erase_contact(*, submission, now=None) -> bool:
    """Erase the submission's contact data now; False when there was none left to erase."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if not (locked.contact_name or locked.contact_phone or locked.contact_email):
            return False
        _erase(locked, now)
    submission.contact_name = submission.contact_phone = submission.contact_email = ""
    submission.contact_erased_at = locked.contact_erased_at
    return True


def _erase(locked, now):
    """Blank the locked submission's contact and tell the listeners (the outbox, Web Push) to forget
    what they hold of it, in the same transaction."""
    addresses = [a for a in (locked.contact_phone, locked.contact_email) if a]
    locked.contact_name = locked.contact_phone = locked.contact_email = ""
    locked.request_fingerprint = ""
    locked.contact_erased_at = now or timezone.now()
    locked.save(update_fields=["contact_name", "contact_phone", "contact_email", "request_fingerprint",
                               "contact_erased_at"])
    contact_erased.send(sender=Submission, submission=locked, addresses=addresses)


def expired_contacts(now=None):
    """Submissions not erased since their case ended, which was more than the retention period ago
    (the end is the case's last event: its closing, rejection or withdrawal). Anonymous submissions
    and those erased on request before the end are among them: a browser may still follow them by
    Web Push, which only the listeners know of."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PAKN_CONTACT_RETENTION_DAYS)
    last_event = (CaseEvent.objects.filter(case=OuterRef("case")).values("case")
                  .annotate(last=Max("created_at")).values("last"))
    return (Submission.objects.filter(case__state__in=ENDED_STATES)
            .annotate(ended_at=Subquery(last_event)).filter(ended_at__lt=cutoff)
            .filter(Q(contact_erased_at__isnull=True) | Q(contact_erased_at__lt=F("ended_at"))))


def erase_expired_contacts(*, now=None) -> int:
    """Erase every expired contact, once each; returns how many submissions were erased."""
    erased = 0
    for submission in expired_contacts(now).only("pk").iterator():
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            if expired_contacts(now).filter(pk=locked.pk).exists():  # not erased meanwhile
                _erase(locked, now)
                erased += 1
    return erased


def submission_export(submission, *, build_uri=None) -> dict:
    """Everything held about the submission, as its submitter sees it, for them to keep."""
    view = selectors.private_case(submission, build_uri=build_uri)
    return {
        "tracking_code": submission.tracking_code,
        "exported_at": timezone.now().isoformat(),
        "submitted_at": submission.submitted_at.isoformat(),
        "kind": submission.kind,
        "category": view["category"],
        "title": submission.title,
        "description": submission.description,
        "location": view["location"],
        "location_from_photo": submission.location_from_photo,
        "address": submission.address,
        "ward": view["ward"],
        "contact": {"name": submission.contact_name, "phone": submission.contact_phone, "email": submission.contact_email},
        "contact_erased_at": submission.contact_erased_at.isoformat() if submission.contact_erased_at else None,
        "anonymous": submission.anonymous,
        "publish_consent": submission.publish_consent,
        "language": submission.language,
        "channel": submission.channel,
        "device_class": submission.device_class,
        "photos": view["photos"],
        "status": view["status"],
        "timeline": [{**step, "at": step["at"].isoformat() if step["at"] else None} for step in view["timeline"]],
        "answer": _dated(view["answer"], "answered_at"),
        "rejection": view["rejection"],
        "rating": view["rating"],
    }


def _dated(section, field):
    if not section:
        return section
    return {**section, field: section[field].isoformat() if section.get(field) else None}
