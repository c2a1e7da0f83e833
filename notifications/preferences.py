"""A staff member's choices: which notices reach them in the bell and by push, and quiet hours.

Everything is on until someone turns it off: a new officer hears of every case sent to them. A
choice is kept as what was turned off (``muted_in_app``, ``muted_push``), so a kind of notice
added later reaches everyone until they decide otherwise. Quiet hours (on by default) hold the
pushes of deadline reminders until the office opens (``workflow.working_time``); the bell keeps
them at once.
"""
from notifications.models import StaffNoticeSettings
from notifications.rules import audiences_of_roles, staff_kinds
from workflow.models import Membership


def staff_settings_of(user) -> StaffNoticeSettings:
    """The person's settings (unsaved defaults when they never chose)."""
    return StaffNoticeSettings.objects.filter(user=user).first() or StaffNoticeSettings(user=user)


def staff_settings_by_user(user_ids) -> dict:
    """``{user_id: StaffNoticeSettings}`` for every id, defaults where none is stored (one query)."""
    stored = {row.user_id: row for row in StaffNoticeSettings.objects.filter(user_id__in=list(user_ids))}
    return {user_id: stored.get(user_id) or StaffNoticeSettings(user_id=user_id) for user_id in user_ids}


def kinds_for(user) -> list:
    """The kinds of notice that can reach this person, from their roles (all of them for an
    administrator without a role)."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if not roles:
        return staff_kinds()
    return staff_kinds(audiences_of_roles(roles))


def staff_settings_save(*, user, in_app, push, quiet_hours) -> StaffNoticeSettings:
    """Keep what the person chose among the kinds offered to them (``kinds_for``): ``in_app`` and
    ``push`` are the kinds left on; a kind not offered keeps its earlier choice."""
    offered = set(kinds_for(user))
    current = staff_settings_of(user)

    def muted(previous, chosen):
        return sorted((set(previous) - offered) | (offered - set(chosen)))

    current.muted_in_app = muted(current.muted_in_app, in_app)
    current.muted_push = muted(current.muted_push, push)
    current.quiet_hours = bool(quiet_hours)
    current.save()
    return current
