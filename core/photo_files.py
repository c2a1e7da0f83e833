"""Writing processed photos to storage, and taking them back when the change that made them fails.

Citizens' photos and answer photos share this: file names are random (never derived from the
uploader, the upload's name or a guessable id), and every name written is recorded so that a
failed transaction leaves nothing on disk.
"""
import logging
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

log = logging.getLogger(__name__)


def store_image_files(record, image, *, written):
    """Save ``image`` (a ``core.images.ProcessedImage``) into ``record.image`` and ``record.thumbnail``.

    Each stored name is appended to ``written`` as soon as it exists, so a failure halfway
    through can still be cleaned up by ``delete_files(written)``.
    """
    name = f"{secrets.token_hex(12)}.jpg"
    record.image.save(name, ContentFile(image.content), save=False)
    written.append(record.image.name)
    record.thumbnail.save(name, ContentFile(image.thumbnail), save=False)
    written.append(record.thumbnail.name)


def delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not remove a photo file left by a failed change")
