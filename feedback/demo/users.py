"""The demo's people: one user per role (published password) and an officer for every other agency."""
import random
from dataclasses import dataclass

from django.contrib.auth.models import User

from feedback.demo import data as demo
from workflow.models import AgencyKind, Membership, Role


@dataclass
class Cast:
    receptionist: User
    officer: User
    supervisor: User
    admin: User
    officers: dict  # agency pk → the officer who handles its cases in the sample history


def _user(username, first_name, last_name, *, password=None, **flags):
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first_name, "last_name": last_name, **flags})
    if created:
        # Set once: running the command again must not undo a password someone changed.
        user.set_password(password) if password else user.set_unusable_password()
        user.save(update_fields=["password"])
    elif any(getattr(user, k) != v for k, v in flags.items()):
        User.objects.filter(pk=user.pk).update(**flags)
    return user


def _demo_user(username, agency=None, role=None, **flags):
    last_name, first_name = demo.DEMO_USERS[username]
    user = _user(username, first_name, last_name, password=demo.DEMO_PASSWORD, **flags)
    if agency is not None:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def seed_users(agencies):
    """The four demo users, and one officer (no usable password) for every other handling agency."""
    cast = Cast(
        receptionist=_demo_user("tiepnhan", agencies[demo.RECEPTION_AGENCY], Role.RECEPTION),
        officer=_demo_user("xuly", agencies[demo.OFFICER_AGENCY], Role.OFFICER),
        supervisor=_demo_user("giamsat", agencies[demo.PROVINCE_AGENCY], Role.SUPERVISOR),
        admin=_demo_user("admin", is_staff=True, is_superuser=True),
        officers={},
    )
    cast.officers[agencies[demo.OFFICER_AGENCY].pk] = cast.officer
    names = random.Random(24)
    handling_kinds = (AgencyKind.DEPARTMENT, AgencyKind.WARD, AgencyKind.UTILITY)
    for agency in agencies.values():
        if agency.kind in handling_kinds and agency.pk not in cast.officers:
            user = _user(f"canbo-{agency.code}", names.choice(demo.GIVEN_NAMES),
                         f"{names.choice(demo.FAMILY_NAMES)} {names.choice(demo.MIDDLE_NAMES)}")
            Membership.objects.get_or_create(user=user, agency=agency, role=Role.OFFICER)
            cast.officers[agency.pk] = user
    return cast
