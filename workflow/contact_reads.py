"""Staff reads of citizens' contact data, recorded (Nghị định 13/2023: who, when, which case).

Every place that shows a staff member the name, phone or email of a case's submitters calls
:func:`record_contact_read` as it shows them: the case page, the API's case detail (also the
answer to a transition) and the submission's page in the admin. A case whose submitters left no
contact data (anonymous, or erased) records nothing: nothing personal was shown.
"""
from django.utils import timezone

from workflow.models import ContactRead


def shows_contact(submissions) -> bool:
    return any(s.contact_name or s.contact_phone or s.contact_email for s in submissions)


def record_contact_read(*, user, case, via, submissions=None) -> ContactRead | None:
    """Record that ``user`` was shown the contact data of ``case``'s submitters through ``via``.

    ``submissions`` defaults to the case's (prefetched where the page loaded them).
    """
    shown = case.submissions.all() if submissions is None else submissions
    if user is None or not user.is_authenticated or not shows_contact(shown):
        return None
    return ContactRead.objects.create(user=user, case=case, via=via, read_at=timezone.now())
