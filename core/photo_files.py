"""Writing processed photos to storage, linking to them, and taking them back when a change fails.

Citizens' photos and answer photos share this: file names are random (never derived from the
uploader, the upload's name or a guessable id), and every name written is recorded so that a
failed transaction leaves nothing in the store. The store is local disk or an S3-compatible
bucket (``core.storage``); a store that fails refuses the change with ``ServiceUnavailable``.

Whether a photo is public is not decided here but by ``workflow.photos`` (the one rule);
``photo_url`` and ``set_visibility`` carry that decision out on whichever store is configured.
"""
import logging
import secrets

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceUnavailable

log = logging.getLogger(__name__)

STORE_ERRORS = (OSError, BotoCoreError, ClientError)
STORE_DOWN_MESSAGE = _("Chưa lưu được ảnh vì kho lưu trữ đang gián đoạn. Phản ánh chưa được gửi; "
                       "vui lòng thử lại sau ít phút.")


def store_image_files(record, image, *, written, public=False):
    """Save ``image`` (a ``core.images.ProcessedImage``) into ``record.image`` and ``record.thumbnail``.

    Each stored name is appended to ``written`` as soon as it exists, so a failure halfway
    through can still be cleaned up by ``delete_files(written)``. ``public`` makes both files
    readable through a plain URL at once (a citizen's photo published with their consent).
    """
    name = f"{secrets.token_hex(12)}.jpg"
    try:
        for field, content in ((record.image, image.content), (record.thumbnail, image.thumbnail)):
            field.save(name, ContentFile(content), save=False)
            written.append(field.name)
            if public:
                _set_public(field.name, True)
    except STORE_ERRORS as exc:
        log.error("photo store unavailable: %s", exc.__class__.__name__)
        raise ServiceUnavailable(STORE_DOWN_MESSAGE, code="storage_unavailable") from exc


def delete_files(names):
    """Remove stored files; a file that cannot be removed now is logged, never raised."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception as exc:  # a cleanup must not hide the error that caused it
            log.warning("could not remove a photo file (%s)", exc.__class__.__name__)


def photo_url(name, *, public=False):
    """The URL of a stored photo: plain and cacheable when public, signed (in a bucket) otherwise."""
    if public and hasattr(default_storage, "public_url"):
        return default_storage.public_url(name)
    return default_storage.url(name)


def _set_public(name, public):
    setter = getattr(default_storage, "set_public", None)
    if setter is not None:
        setter(name, public)


def set_visibility(names, *, public):
    """Make stored files public or private (object ACLs in a bucket; nothing to do on local disk).

    Returns how many could not be changed; each failure is logged, so a caller running after
    commit never turns a done change into an error.
    """
    failures = 0
    for name in names:
        try:
            _set_public(name, public)
        except STORE_ERRORS as exc:
            failures += 1
            log.warning("could not change a photo's visibility (%s)", exc.__class__.__name__)
    return failures


def supports_visibility():
    """Whether the store keeps per-file visibility (a bucket) rather than serving by rule (disk)."""
    return getattr(default_storage, "public_acl", False)
