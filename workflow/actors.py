"""Who acts on a case: a staff user with their roles, a citizen holding a private key, or the system;
and who reads the province's published figures: the public.

An ``Actor`` is built once per request (one query for the memberships) and passed to every
permission check, so listing the transitions available on a page of cases costs no extra queries.
"""
from dataclasses import dataclass, field

from core.devices import UNKNOWN

STAFF, CITIZEN, SYSTEM, PUBLIC = "staff", "citizen", "system", "public"


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None
    device_class: str = UNKNOWN
    is_superuser: bool = False
    is_reception: bool = False
    # Agencies where the user works (any role) and the tree paths they supervise.
    agency_ids: frozenset = field(default_factory=frozenset)
    supervised_paths: tuple = ()
    # For a citizen: the case their private key opens.
    case_id: int | None = None

    @property
    def is_staff_member(self):
        return self.kind == STAFF and (self.is_reception or bool(self.agency_ids) or self.is_superuser)

    @property
    def is_public(self):
        return self.kind == PUBLIC

    @property
    def is_supervisor(self):
        return bool(self.supervised_paths)

    def supervises(self, agency):
        return agency is not None and any(agency.path.startswith(p) for p in self.supervised_paths)

    def works_at(self, agency_id):
        return agency_id is not None and agency_id in self.agency_ids

    def is_citizen_of(self, case):
        return self.kind == CITIZEN and self.case_id == case.pk

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)


def staff_actor(user, *, device_class=UNKNOWN):
    from workflow.models import Role

    memberships = list(user.memberships.select_related("agency")) if user.is_authenticated else []
    return Actor(
        kind=STAFF,
        user=user,
        device_class=device_class,
        is_superuser=user.is_superuser,
        is_reception=any(m.role == Role.RECEPTION for m in memberships),
        agency_ids=frozenset(m.agency_id for m in memberships),
        supervised_paths=tuple(m.agency.path for m in memberships if m.role == Role.SUPERVISOR),
    )


def citizen_actor(case_id, *, device_class=UNKNOWN):
    return Actor(kind=CITIZEN, case_id=case_id, device_class=device_class)


SYSTEM_ACTOR = Actor(kind=SYSTEM)

# Anyone, signed in or not, reading the transparency pages: the province's figures count every
# case (``workflow.visibility.figures_reach``), yet this actor opens and lists none.
PUBLIC_ACTOR = Actor(kind=PUBLIC)
