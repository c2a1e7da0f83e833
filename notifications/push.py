"""Web Push: the province's VAPID key, which push endpoints are taken, and sending one push.

A browser that subscribes gives an endpoint (its push service's address for it) and two keys. A
push is a POST to that endpoint, its payload encrypted to the browser's keys (``aes128gcm``, RFC
8188/8291) and signed with the province's VAPID key (RFC 8292), with a TTL: how long the push
service keeps it for a phone that is off. ``pywebpush`` does the encryption and the signing.

The push service answers 201; 404 or 410 mean the browser unsubscribed (``SubscriptionGone``:
the subscription is removed); anything else, or no answer, is a failure the outbox retries. Error
texts name the push service's host, never the endpoint (a capability URL, and a device's id).
"""
import base64
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from core.errors import ValidationFailed

GONE_STATUSES = (404, 410)
ENDPOINT_MAX_CHARS = 1024
LOOPBACK_NAMES = ("localhost",)


class SubscriptionGone(Exception):
    """The push service says the browser's subscription no longer exists (404/410)."""


class PushFailed(Exception):
    """The push service refused the push or could not be reached; the outbox tries again."""


# --- the VAPID key pair ----------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKeys:
    private_key: ec.EllipticCurvePrivateKey
    public_key: str  # the uncompressed P-256 point in base64url: the browser's applicationServerKey


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def private_key_raw(key: ec.EllipticCurvePrivateKey) -> str:
    """The private value as 32 bytes in base64url (the form web-push tools print)."""
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM, DER in base64url, or the raw 32-byte value in base64url."""
    text = text.strip()
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode(text)
            key = (ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()) if len(raw) == 32
                   else serialization.load_der_private_key(raw, password=None))
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"The VAPID private key cannot be read ({exc.__class__.__name__}).") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ImproperlyConfigured("The VAPID private key must be an EC key on the P-256 curve.")
    return key


def vapid_keys() -> VapidKeys | None:
    """The configured key pair, or None when Web Push is not set up (then nothing subscribes).

    The key file is read each time (a file written after start-up counts); parsing is cached."""
    private_text, key_file = settings.PAKN_VAPID_PRIVATE_KEY, settings.PAKN_VAPID_KEY_FILE
    if not private_text and key_file and os.path.exists(key_file):
        with open(key_file, encoding="utf-8") as handle:
            private_text = handle.read()
    if not private_text:
        return None
    return _vapid_keys(private_text, settings.PAKN_VAPID_PUBLIC_KEY)


@lru_cache(maxsize=4)
def _vapid_keys(private_text, public_text):
    key = load_private_key(private_text)
    public = public_key_of(key)
    if public_text and public_text.strip().rstrip("=") != public:
        raise ImproperlyConfigured("PAKN_VAPID_PUBLIC_KEY is not the public half of the VAPID private key.")
    return VapidKeys(key, public)


def check_vapid_settings(app_configs=None, **kwargs):
    """A system check: a VAPID key that is set must be readable (and match its public half)."""
    from django.core.checks import Error

    try:
        vapid_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="manage.py generate_vapid_keys prints a valid pair.", id="notifications.E001")]
    if not settings.PAKN_VAPID_SUBJECT.startswith(("mailto:", "https://")):
        return [Error("PAKN_VAPID_SUBJECT must be a mailto: or https:// address (RFC 8292).",
                      id="notifications.E002")]
    return []


# --- what a browser may subscribe with -------------------------------------------------------

def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_push_service(host: str) -> bool:
    allowed = [entry.strip().lower().lstrip(".") for entry in settings.PAKN_PUSH_SERVICE_HOSTS]
    if "*" in allowed:
        return not _is_ip_literal(host) and "." in host
    return any(host == entry or host.endswith("." + entry) for entry in allowed if entry)


def endpoint_problem(endpoint) -> str | None:
    """Why the server will not post to this endpoint, or None: it must be https on a browser's push
    service (``PAKN_PUSH_SERVICE_HOSTS``); a loopback address is taken only when DEBUG is on."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX_CHARS:
        return _("Thiếu địa chỉ nhận thông báo (endpoint) hoặc địa chỉ quá dài.")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return _("Địa chỉ nhận thông báo (endpoint) không hợp lệ.")
    if not host or parts.username or parts.password:
        return _("Địa chỉ nhận thông báo (endpoint) không hợp lệ.")
    if _is_loopback(host):
        if settings.DEBUG and parts.scheme in ("http", "https"):
            return None
        return _("Địa chỉ nhận thông báo phải là https của dịch vụ thông báo của trình duyệt.")
    if parts.scheme != "https":
        return _("Địa chỉ nhận thông báo phải dùng https.")
    if not _is_push_service(host):
        return _("Địa chỉ nhận thông báo không thuộc dịch vụ thông báo của trình duyệt nào được chấp nhận.")
    return None


def checked_subscription(data) -> dict:
    """``{"endpoint", "p256dh", "auth"}`` from a browser's PushSubscription JSON, or a 400 that says
    what is wrong (``subscription`` is the field at fault)."""
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"subscription": [_("Gửi đối tượng PushSubscription của trình duyệt.")]})
    problem = endpoint_problem(data.get("endpoint"))
    if problem:
        raise ValidationFailed(fields={"subscription": [problem]})
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not _is_p256_point(p256dh) or not _is_bytes_of(auth, 16):
        raise ValidationFailed(fields={"subscription": [_("Khóa của trình duyệt (keys.p256dh, keys.auth) không hợp lệ.")]})
    return {"endpoint": data["endpoint"], "p256dh": p256dh.strip().rstrip("="), "auth": auth.strip().rstrip("=")}


def _decoded(text):
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        return b64url_decode(text)
    except ValueError:
        return None


def _is_p256_point(text) -> bool:
    raw = _decoded(text)
    if raw is None or len(raw) != 65:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


def _is_bytes_of(text, size) -> bool:
    raw = _decoded(text)
    return raw is not None and len(raw) == size


# --- sending ---------------------------------------------------------------------------------

def _session():
    # A push service answers where it is asked; a redirect is refused rather than followed
    # somewhere the subscription never named.
    session = requests.Session()
    session.max_redirects = 0
    session.trust_env = False
    return session


def send(*, endpoint: str, p256dh: str, auth: str, payload: str, urgency: str = "normal") -> None:
    """Encrypt ``payload`` to the browser and post it to its push service; returns when accepted.

    Raises ``SubscriptionGone`` (404/410), ``PushFailed`` (any other refusal, or no answer) or
    ``ImproperlyConfigured`` (no VAPID key yet: the outbox keeps the push until there is one).
    """
    keys = vapid_keys()
    if keys is None:
        raise ImproperlyConfigured("Web Push has no VAPID key (PAKN_VAPID_PRIVATE_KEY).")
    host = urlsplit(endpoint).hostname or "?"
    claims = {"sub": settings.PAKN_VAPID_SUBJECT}  # webpush adds aud and exp to this very dict
    with _session() as session:
        try:
            webpush({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, data=payload,
                    vapid_private_key=Vapid(keys.private_key), vapid_claims=claims,
                    content_encoding="aes128gcm", ttl=settings.PAKN_PUSH_TTL_SECONDS,
                    timeout=settings.PAKN_PUSH_TIMEOUT_SECONDS, headers={"Urgency": urgency},
                    requests_session=session)
        except WebPushException as exc:
            status = exc.status_code
            if status in GONE_STATUSES:
                raise SubscriptionGone(f"{status} from {host}") from None
            raise PushFailed(f"{status} {getattr(exc.response, 'reason', '')} from {host}".strip()) from None
        except requests.RequestException as exc:
            raise PushFailed(f"{exc.__class__.__name__} reaching {host}") from None
