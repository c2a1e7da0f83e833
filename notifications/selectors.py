"""Reads for notifications: who is in an audience, a user's notifications and unread count."""
from django.db.models import Q

from notifications.models import Notification, PushSubscription
from notifications.rules import AGENCY, RECEPTION, SUPERVISORS
from workflow.models import Agency, Membership, Role, Submission


def _ancestor_paths(path):
    """"/1/4/9/" → ["/1/", "/1/4/", "/1/4/9/"]: the paths whose subtree contains the agency."""
    ids = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


def _supervisor_reach_paths(agency):
    if agency is not None:
        return _ancestor_paths(agency.path)
    reception_paths = Agency.objects.filter(memberships__role=Role.RECEPTION).values_list("path", flat=True)
    return sorted({p for path in reception_paths for p in _ancestor_paths(path)})


def staff_user_ids(*, agency, audience):
    """The users of one audience (see ``notifications.rules``) for a case held by ``agency`` (None:
    still at reception), as a set of ids.

    Agency: officers and supervisors who are members of the handling agency. Reception: every
    reception officer. Supervisors: those whose agency's subtree contains the case's agency.
    """
    if audience == AGENCY:
        if agency is None:
            return set()
        members = Membership.objects.filter(agency=agency, role__in=[Role.OFFICER, Role.SUPERVISOR])
    elif audience == RECEPTION:
        members = Membership.objects.filter(role=Role.RECEPTION)
    elif audience == SUPERVISORS:
        members = Membership.objects.filter(role=Role.SUPERVISOR, agency__path__in=_supervisor_reach_paths(agency))
    else:
        raise ValueError(f"not a staff audience: {audience}")
    return set(members.filter(user__is_active=True).values_list("user_id", flat=True))


def citizen_recipients(case, *, submission_ids=None):
    """Submissions of the case (or those ``submission_ids`` names: the ones a merge handed on to
    another case) whose submitter can be reached: one who left a contact and did not ask to stay
    anonymous, or one whose browser follows it by push (an anonymous submitter too: a push tells
    no one who they are)."""
    submissions = (case.submissions.all() if submission_ids is None
                   else Submission.objects.filter(pk__in=list(submission_ids)))
    contact = Q(anonymous=False) & (~Q(contact_email="") | ~Q(contact_phone=""))
    followed = Q(pk__in=PushSubscription.objects.filter(submission__in=submissions.values("pk"))
                 .values("submission_id"))
    return list(
        submissions.filter(contact | followed)
        .only("pk", "tracking_code", "private_key_sealed", "contact_email", "contact_phone", "language", "case_id",
              "anonymous", "notify_email", "notify_sms")
    )


def push_subscriptions_of_submissions(submission_ids):
    """``{submission_id: [PushSubscription]}``: the browsers following each submission."""
    return _grouped(PushSubscription.objects.filter(submission_id__in=list(submission_ids)), "submission_id")


def push_subscriptions_of_users(user_ids):
    """``{user_id: [PushSubscription]}``: each staff member's subscribed browsers."""
    return _grouped(PushSubscription.objects.filter(user_id__in=list(user_ids)), "user_id")


def _grouped(rows, field):
    grouped = {}
    for row in rows.order_by("pk"):
        grouped.setdefault(getattr(row, field), []).append(row)
    return grouped


def case_tracking_code(case):
    """The case's first tracking code (the one its staff page leads with)."""
    return case.submissions.order_by("submitted_at", "pk").values_list("tracking_code", flat=True).first() or ""


def push_browsers_of(user):
    """How many browsers push this staff member's notices."""
    return PushSubscription.objects.filter(user=user).count()


def notifications_of(user):
    """A user's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
