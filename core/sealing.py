"""Sealing a secret the system must be able to read back later, but must never store in clear.

AES-256-GCM (the ``cryptography`` package) with a key derived from ``SECRET_KEY`` by HKDF; the
``purpose`` is bound in as associated data, so a sealed value copied onto another record (another
submission's row) does not open. ``SECRET_KEY_FALLBACKS`` still open what was sealed before a key
rotation. A database dump alone therefore reveals nothing; the dump and the secret key together do,
as for every other secret the application holds.
"""
import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"
NONCE_BYTES = 12


def _cipher(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pakn.sealing.v1").derive(secret.encode())
    return AESGCM(key)


def seal(plaintext: str, *, purpose: str) -> str:
    """``v1.<base64url(nonce + ciphertext)>`` for ``plaintext``, openable only with the same purpose."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(settings.SECRET_KEY).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def unseal(token: str, *, purpose: str) -> str | None:
    """The sealed text, or None when the token is empty, damaged, for another purpose, or sealed
    with a key this installation no longer has."""
    version, _, body = (token or "").partition(".")
    if version != VERSION or not body:
        return None
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        try:
            return _cipher(secret).decrypt(nonce, sealed, purpose.encode()).decode()
        except (InvalidTag, ValueError):
            continue
    return None
