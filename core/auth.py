"""API tokens and who may hold one: the one home of the token rules, for the REST API and sockets.

- A token lives ``PAKN_TOKEN_TTL_DAYS`` (default 30) from its creation; an expired token is
  refused (401) and replaced by a new one at the next sign-in.
- A user's tokens are deleted the moment their password changes or their account is
  deactivated (whatever saves the user: the admin, ``changepassword``, ``set_password``); open
  sockets hear of it through the token's deletion (``notifications`` listens).
- An inactive user's token is refused even if it survived somehow.
"""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

def token_ttl() -> timedelta:
    return timedelta(days=settings.PAKN_TOKEN_TTL_DAYS)


def token_expires_at(token):
    return token.created + token_ttl()


def token_is_expired(token, now=None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def token_for(user) -> Token:
    """The user's current token, or a new one when they have none or theirs has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def valid_token(key):
    """The token with this key when it may still be used (its user active, not expired), else None."""
    if not isinstance(key, str) or not key:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active or token_is_expired(token):
        return None
    return token


def token_key_from_header(value) -> str | None:
    """The key of an ``Authorization: Token <key>`` header value, else None."""
    scheme, _space, key = (value or "").partition(" ")
    return key.strip() if scheme.lower() == "token" and key.strip() else None


def user_from_authorization(value):
    """The active user whose valid token the header carries, else None (outside DRF's views)."""
    token = valid_token(token_key_from_header(value))
    return token.user if token is not None else None


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token …`` with the rules above: expired or revoked tokens get 401."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("Mã đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), code="token_expired")
        return user, token


# --- revocation ------------------------------------------------------------------------------

def _remember_credential_change(sender, instance, raw=False, **kwargs):
    """Before a user is saved: note whether their password or active flag is about to change."""
    instance._pakn_credentials_changed = False
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    deactivated = before["is_active"] and not instance.is_active
    instance._pakn_credentials_changed = deactivated or before["password"] != instance.password


def _revoke_after_credential_change(sender, instance, created, raw=False, **kwargs):
    if raw or created or not getattr(instance, "_pakn_credentials_changed", False):
        return
    instance._pakn_credentials_changed = False
    revoke_tokens(user_id=instance.pk)


def revoke_tokens(*, user_id):
    """Delete the user's tokens: any request or socket using one is refused from now on."""
    Token.objects.filter(user_id=user_id).delete()


def connect_signals():
    user_model = get_user_model()
    pre_save.connect(_remember_credential_change, sender=user_model, dispatch_uid="pakn-token-pre-save")
    post_save.connect(_revoke_after_credential_change, sender=user_model, dispatch_uid="pakn-token-post-save")
