"""Open311 writes: issuing and revoking clients' keys, and filing a request.

A request goes through intake's one path (``feedback.services.feedback_submit``): the same field
rules, photo pipeline, idempotency and case opening as ``POST /api/v1/feedback/``. This module
only translates Open311's argument names to intake's and back, and names the client in the log.
"""
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PaknError, PermissionDenied, ValidationFailed
from feedback import services as intake
from workflow.models import Channel
from feedback.serializers import validated_submission
from open311.arguments import argument
from open311.models import DEFAULT_POST_RATE, Open311Client, hash_client_key
from open311.selectors import category_kinds, service_for_code
from open311.serializers import Open311SubmissionSerializer

KEY_BYTES = 32
# Intake's field names as Open311 calls them, for the errors a client reads.
ARGUMENT_NAMES = {
    "category": "service_code", "kind": "attribute[kind]", "latitude": "lat", "longitude": "long",
    "address": "address_string", "ward": "address_id", "contact_name": "first_name",
    "contact_phone": "phone", "contact_email": "email", "photos": "media", "anonymous": "attribute[anonymous]",
    "publish_consent": "attribute[publish_consent]", "idempotency_key": "Idempotency-Key",
}
BOOLEAN_KEYS = {"true": True, "false": False}


# --- clients and keys -------------------------------------------------------------------------

def client_issue_key(*, client: Open311Client, key: str | None = None) -> str:
    """Give the client a new key (the old one stops working) and return it: the only time it is seen."""
    key = key or secrets.token_urlsafe(KEY_BYTES)
    client.key_hash = hash_client_key(key)
    client.key_prefix = key[:8]
    client.key_issued_at = timezone.now()
    if client.pk:
        client.save(update_fields=["key_hash", "key_prefix", "key_issued_at"])
    else:
        client.save()
    return key


@transaction.atomic
def client_create(*, name: str, contact: str = "", post_rate: str = DEFAULT_POST_RATE,
                  key: str | None = None) -> tuple[Open311Client, str]:
    """A new active client and its key (shown once)."""
    client = Open311Client(name=name, contact=contact, post_rate=post_rate)
    client.full_clean(exclude=["key_hash", "key_prefix"])
    return client, client_issue_key(client=client, key=key)


def client_revoke(*, client: Open311Client) -> None:
    """Refuse the client's key from now on (403); its past requests stay as they are."""
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])


def client_for_key(key: str | None) -> Open311Client:
    """The active client holding ``key``; a missing, unknown or revoked key is refused (403)."""
    client = Open311Client.objects.filter(key_hash=hash_client_key(key), is_active=True).first() if key else None
    if client is None:
        raise PermissionDenied(_("api_key thiếu, không đúng hoặc đã bị thu hồi."), code="invalid_api_key")
    return client


# --- filing a request -------------------------------------------------------------------------

def _choice(post, code, allowed, errors):
    """``attribute[code]``: one of ``allowed`` keys, or None when not given."""
    value = argument(post, f"attribute[{code}]")
    if value is not None and value not in allowed:
        errors[f"attribute[{code}]"] = [_("Giá trị không hợp lệ; chọn một trong: %(keys)s.") % {
            "keys": ", ".join(allowed)}]
        return None
    return value


def _kind(post, category, errors):
    kinds = category_kinds(category)
    kind = _choice(post, "kind", kinds, errors)
    if kind is None and len(kinds) == 1:
        return kinds[0]
    if kind is None and "attribute[kind]" not in errors:
        errors["attribute[kind]"] = [_("Dịch vụ này cần chọn loại phản ánh (xem định nghĩa dịch vụ).")]
    return kind


def _contact_name(post):
    """Vietnamese order: family name first ("Nguyễn Thị Hoa" is last_name Nguyễn, first_name Thị Hoa)."""
    return " ".join(part for part in (argument(post, "last_name"), argument(post, "first_name")) if part)


def _has_location(post):
    return any(argument(post, name) for name in ("lat", "long", "address_string", "address_id"))


def submission_fields(post, files, category) -> dict:
    """Open311's arguments as intake's fields; ``ValidationFailed`` names Open311's arguments."""
    errors = {}
    kind = _kind(post, category, errors)
    consent = _choice(post, "publish_consent", tuple(BOOLEAN_KEYS), errors)
    anonymous = _choice(post, "anonymous", tuple(BOOLEAN_KEYS), errors)
    if not _has_location(post):
        errors["lat"] = [_("Cho biết vị trí: lat và long, address_string hoặc address_id.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        "kind": kind, "category": category.code, "description": argument(post, "description"),
        "latitude": argument(post, "lat"), "longitude": argument(post, "long"),
        "address": argument(post, "address_string") or "", "ward": argument(post, "address_id"),
        "contact_name": _contact_name(post), "contact_phone": argument(post, "phone") or "",
        "contact_email": argument(post, "email") or "", "media_url": argument(post, "media_url") or "",
        "anonymous": BOOLEAN_KEYS.get(anonymous, False), "publish_consent": BOOLEAN_KEYS.get(consent, False),
        "photos": files.getlist("media") if files else [],
    }


def _in_open311_names(error: PaknError) -> PaknError:
    """The same error with intake's field names replaced by the arguments the client sent."""
    if error.fields:
        error.fields = {ARGUMENT_NAMES.get(name, name): messages for name, messages in error.fields.items()}
    return error


def request_submit(*, client: Open311Client, post, files, idempotency_key: str | None,
                   device_class: str) -> intake.SubmissionResult:
    """File one request for ``client``: channel ``open311``, the client's name in the case's log."""
    code = argument(post, "service_code")
    if code is None:
        raise ValidationFailed(fields={"service_code": [_("Thiếu service_code.")]})
    category = service_for_code(code)
    try:
        values = validated_submission(Open311SubmissionSerializer,
                                      submission_fields(post, files, category))
        return intake.feedback_submit(fields=values, photos=values.pop("photos"), channel=Channel.OPEN311,
                                      device_class=device_class, idempotency_key=idempotency_key,
                                      language="vi", source=client.name)
    except PaknError as error:
        raise _in_open311_names(error) from None
