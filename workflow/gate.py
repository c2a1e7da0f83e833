"""The staff gate: who may use the officials' pages, the staff API and the inbox socket.

One rule for all three doors: signed in, and holding a role at some agency or being a superuser
(``Actor.is_staff_member``). Someone not signed in is sent to sign in (pages), answered 401 (API)
or closed with 4401 (socket); someone signed in without a role gets 403 (pages and API) or 4403.
What a staff member may then see or do is for ``workflow.visibility`` and the transitions.

Every app that has staff-only doors imports them from here:

* ``staff_required``: decorator for Django views; the view finds the actor on ``request.actor``;
* ``IsStaffMember`` and ``request_actor(request)``: the DRF permission and the acting staff member;
* ``check_staff(user)``: the verdict itself, for a WebSocket consumer (or anything else).

The actor (with the user's memberships) is built once per request and kept on it.
"""
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rest_framework import permissions

from core.devices import UNKNOWN, device_class_of
from workflow.actors import Actor, staff_actor

NOT_SIGNED_IN, NO_ROLE = "not_signed_in", "no_role"


@dataclass(frozen=True)
class Verdict:
    """The gate's answer: the actor (whenever signed in) and why they may not pass, if they may not
    (``NOT_SIGNED_IN``, ``NO_ROLE``)."""

    actor: Actor | None
    refusal: str | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def check_staff(user, *, device_class: str = UNKNOWN) -> Verdict:
    """The one rule: signed in, and a role somewhere (or a superuser)."""
    if user is None or not user.is_authenticated:
        return Verdict(None, NOT_SIGNED_IN)
    actor = staff_actor(user, device_class=device_class)
    return Verdict(actor, None if actor.is_staff_member else NO_ROLE)


def request_verdict(request) -> Verdict:
    """The gate's answer for a Django or a DRF request, worked out once and kept on the request.

    It is built for the user the request was authenticated as (a DRF token counts), with the
    request's device class, and kept on the underlying ``HttpRequest``.
    """
    raw = getattr(request, "_request", request)
    verdict = getattr(raw, "staff_verdict", None)
    if verdict is None:
        verdict = check_staff(request.user, device_class=device_class_of(raw))
        raw.staff_verdict = verdict
    return verdict


def request_actor(request) -> Actor | None:
    """The acting staff member (memberships loaded once per request); None when not signed in."""
    return request_verdict(request).actor


def staff_required(view):
    """For a Django view: sign in first, then a role (else the 403 page); ``request.actor`` is set."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        verdict = request_verdict(request)
        if not verdict.allowed:
            return render(request, "workflow/forbidden.html", status=403)
        request.actor = verdict.actor
        return view(request, *args, **kwargs)
    return login_required(wrapper)


class IsStaffMember(permissions.BasePermission):
    """For a DRF view: not signed in is 401, signed in without a role 403."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request_verdict(request).allowed
