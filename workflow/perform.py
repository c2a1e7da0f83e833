"""Taking a transition by its contract name, with the fields a person typed or an API client sent.

``perform_transition`` is what the API and the officials' pages call: it finds the declared
transition (``workflow.transitions``) and the service behind its name, checks permission and then state before looking at the input (so a
person who may not act is told so, whatever they sent), turns the raw values into what the
service takes (an agency code into an ``Agency``, a case number into a case the actor may see,
days into an int), runs answer photos through the photo pipeline, and calls the service, which
locks the row and checks everything again.
"""
from collections.abc import Mapping

from django.utils.translation import gettext as _

from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.images import process_photos
from workflow import services, transitions
from workflow.models import Agency, Case
from workflow.visibility import visible_cases


def service_of(name):
    """The service behind a declared transition: ``workflow.services.case_<name>``, by the naming
    rule every service follows (``tests/workflow/test_declaration.py`` checks each one exists)."""
    return getattr(services, f"case_{name}")


def perform_transition(*, name, case, actor, data: Mapping, photos=()) -> Case:
    """Take the transition ``name`` on ``case`` as ``actor``; returns the case as saved.

    Unknown name: ``NotFound``. Not permitted to this actor: ``PermissionDenied``. Not possible
    from this state: ``Conflict``. Missing or bad fields: ``ValidationFailed`` naming every bad field.
    The caller has already checked that the actor may see the case (otherwise: ``NotFound``).
    """
    spec = transitions.get(name)
    if spec is None:
        raise NotFound(_("Không có thao tác này."))
    _ensure_allowed(case, spec, actor)
    values = clean_fields(name, data or {}, actor=actor, case=case)
    if spec.takes_photos:
        values["photos"] = _processed_photos(photos)
    return service_of(name)(case=case, actor=actor, **values)


def _ensure_allowed(case, spec, actor):
    """Role first (403: this person may never do this to this case), then state and conditions
    (409), on the case as the caller loaded it; the service repeats both on the locked row."""
    method = getattr(case, spec.method)
    # Every source of one transition method shares the same permission function.
    permission = next(iter(method._django_fsm.transitions.values())).permission
    if permission is not None and not permission(case, actor):
        raise PermissionDenied()
    services.ensure_transition_allowed(case, spec.name, actor)


def clean_fields(name, data, *, actor, case=None):
    """The transition's inputs as the service takes them; every problem reported at once."""
    values, errors = {}, {}
    for spec in transitions.get(name).fields:
        raw = _raw(data, spec.name)
        if raw == "":
            if spec.required:
                errors[spec.name] = [_("Trường này là bắt buộc.")]
            elif spec.kind in ("text", "textarea"):
                values[spec.name] = ""
            continue
        try:
            values[spec.name] = _CONVERTERS[spec.kind](raw, spec=spec, actor=actor, case=case)
        except ValidationFailed as exc:
            errors[spec.name] = [str(exc.message)]
    if errors:
        raise ValidationFailed(fields=errors)
    return values


def _raw(data, key):
    value = data.get(key) if hasattr(data, "get") else None
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _text(raw, **_ignored):
    return raw


def _agency(raw, **_ignored):
    agency = Agency.objects.filter(code=raw, is_active=True).first()
    if agency is None:
        raise ValidationFailed(_("Không tìm thấy cơ quan có mã này."))
    return agency


def _case(raw, *, actor, case, **_ignored):
    """A case the actor may see, by number or by one of its tracking codes."""
    visible = visible_cases(actor)
    target = visible.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else \
        visible.filter(submissions__tracking_code__iexact=raw).first()
    if target is None:
        raise ValidationFailed(_("Không tìm thấy hồ sơ này."))
    return target


def _int(raw, **_ignored):
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_("Nhập một số nguyên.")) from None


def _choice(raw, *, spec, **_ignored):
    if raw not in {value for value, _label in spec.choices}:
        raise ValidationFailed(_("Lựa chọn không hợp lệ."))
    return raw


_CONVERTERS = {"text": _text, "textarea": _text, "agency": _agency, "case": _case, "int": _int, "choice": _choice}


def _processed_photos(photos):
    """Answer photos through the same pipeline as citizens' photos; a bad one refuses the answer."""
    return process_photos(list(photos or ()))
