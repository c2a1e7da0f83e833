"""Who sees which case: the one rule, and everything other code derives from it.

The rule. An actor's *reach* says what they see:

* reception officers, administrators (superusers) and a supervisor at a root of the agency tree
  (the province) see every case, including those still at reception with no agency;
* anyone else with a role sees the cases held by an agency they work at (any role), and a
  supervisor also every case held inside the subtree of the agency they supervise;
* citizens and signed-in people without a role see nothing here (a citizen reaches their own
  case through its private link, never through these reads).

Derived from ``reach_of`` and nothing else (``tests/workflow/test_visibility.py`` checks that all
of them agree, for every role over cases at reception, at each agency, in a subtree, merged…):

* ``can_see(case, actor)``: the object check (a case the actor may not see is a 404, not a 403);
* ``case_filter(actor, prefix="")`` and ``visible_cases(actor)``: the same rule in SQL; a query
  over rows that point at a case passes ``prefix="case__"`` (metrics over submissions, events);
* ``visible_agencies(actor)``: the agencies within reach (filters, dashboards);
* ``audiences_of_actor(actor)`` and ``audiences_of_case(case)``: abstract keys for live updates;
  an actor may see a case exactly when the two share a key. ``notifications.groups`` turns each
  key into a channel-layer group name (the workflow never imports notifications).

Figures are counted over a wider reach for one reader: the public (``PUBLIC_ACTOR``, the
transparency pages) reads the province's figures, so ``figures_reach`` counts every case for it,
while ``reach_of`` still gives it nothing: it opens no case and lists none. Staff figures count
exactly what ``reach_of`` gives. ``figures_filter`` and ``figure_agencies`` are that reach in SQL
(``metrics.scope`` reads them); a read that returns cases rather than counts uses
``case_filter`` as well, so the public's scope can never list a case.
"""
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet

from workflow.actors import PUBLIC, STAFF
from workflow.models import Agency, Case


@dataclass(frozen=True)
class Reach:
    """What an actor sees: every case, or the cases of some agencies and of some subtrees."""

    every_case: bool = False
    agency_ids: frozenset = frozenset()
    subtree_paths: tuple = ()

    @property
    def is_empty(self) -> bool:
        return not (self.every_case or self.agency_ids or self.subtree_paths)

    def admits(self, case) -> bool:
        """The rule over one case in memory (reads ``case.agency`` for its tree path)."""
        if self.every_case:
            return True
        if case.agency_id is None:
            return False
        return case.agency_id in self.agency_ids or any(case.agency.path.startswith(p) for p in self.subtree_paths)

    def agencies_q(self) -> Q:
        """The same rule over agencies: those it names, and every agency inside its subtrees."""
        q = Q(pk__in=sorted(self.agency_ids))
        for path in self.subtree_paths:
            q |= Q(path__startswith=path)
        return q


NO_REACH = Reach()
EVERY_CASE = Reach(every_case=True)


def _is_root(path):
    return path.count("/") == 2  # "/1/": an agency without a parent


def reach_of(actor) -> Reach:
    """The one place that decides what an actor sees."""
    if actor.kind != STAFF or not actor.is_staff_member:
        return NO_REACH
    if actor.is_superuser or actor.is_reception or any(_is_root(p) for p in actor.supervised_paths):
        return EVERY_CASE
    return Reach(agency_ids=frozenset(actor.agency_ids), subtree_paths=tuple(actor.supervised_paths))


# --- the object check -----------------------------------------------------------------------------

def can_see(case, actor) -> bool:
    """Whether ``actor`` may open ``case`` at all (otherwise: 404, not 403)."""
    return reach_of(actor).admits(case)


# --- the same rule in SQL -------------------------------------------------------------------------

def _agencies_within(reach) -> QuerySet:
    if reach.every_case:
        return Agency.objects.all()
    if reach.is_empty:
        return Agency.objects.none()
    return Agency.objects.filter(reach.agencies_q())


def case_filter(actor, prefix: str = "") -> Q:
    """Q over cases, reached through ``prefix`` (e.g. ``"case__"``), that ``actor`` may see.

    The agencies go in as a small subquery (``agency_id IN (SELECT id …)``) rather than a join
    from every case to its agency.
    """
    return _reach_filter(reach_of(actor), prefix)


def _reach_filter(reach, prefix):
    if reach.every_case:
        return Q()
    if reach.is_empty:
        return Q(**{f"{prefix}pk__in": []})
    return Q(**{f"{prefix}agency_id__in": _agencies_within(reach).values("pk")})


def visible_cases(actor) -> QuerySet:
    """Every case the actor may open."""
    return Case.objects.filter(case_filter(actor))


def visible_agencies(actor, *, active_only: bool = True) -> QuerySet:
    """Agencies whose cases the actor sees: to filter on, and to show rows for."""
    agencies = _agencies_within(reach_of(actor))
    return agencies.filter(is_active=True) if active_only else agencies


# --- what figures count ----------------------------------------------------------------------------

def figures_reach(actor) -> Reach:
    """The cases an actor's figures count: every case for the public's published figures (counts
    only, never a case), what the actor sees for anyone else."""
    return EVERY_CASE if actor.kind == PUBLIC else reach_of(actor)


def figures_filter(actor, prefix: str = "") -> Q:
    """``figures_reach`` in SQL, over cases reached through ``prefix``."""
    return _reach_filter(figures_reach(actor), prefix)


def figure_agencies(actor, *, active_only: bool = True) -> QuerySet:
    """Agencies whose figures the actor reads: to filter on, and to show rows for."""
    agencies = _agencies_within(figures_reach(actor))
    return agencies.filter(is_active=True) if active_only else agencies


def agencies_supervised_by(actor) -> QuerySet:
    """The agencies in the subtrees the actor supervises (whose approvals and extensions are theirs)."""
    return _agencies_within(Reach(subtree_paths=tuple(actor.supervised_paths)))


# --- audiences of live updates ---------------------------------------------------------------------

class Audience(NamedTuple):
    """Who may listen: ``("every-case", None)``, ``("agency", id)`` or ``("subtree", id)``."""

    kind: str
    agency_id: int | None = None


EVERYONE_WHO_SEES_ALL = Audience("every-case")


def _ids_in_path(path):
    return [int(part) for part in (path or "").strip("/").split("/") if part]


def audiences_of_actor(actor) -> set[Audience]:
    """The audiences an actor belongs to. Whoever sees every case listens to that audience alone,
    so nothing arrives twice."""
    reach = reach_of(actor)
    if reach.every_case:
        return {EVERYONE_WHO_SEES_ALL}
    return ({Audience("agency", agency_id) for agency_id in reach.agency_ids}
            | {Audience("subtree", _ids_in_path(path)[-1]) for path in reach.subtree_paths})


def audiences_of_case(case) -> list[Audience]:
    """The audiences allowed to see a case: those who see all, its agency, and the subtree of its
    agency and of every ancestor (reads ``case.agency.path``)."""
    audiences = [EVERYONE_WHO_SEES_ALL]
    if case.agency_id is not None:
        audiences.append(Audience("agency", case.agency_id))
        audiences.extend(Audience("subtree", agency_id) for agency_id in _ids_in_path(case.agency.path))
    return audiences
