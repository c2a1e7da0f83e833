"""Who may see a photo, and the links that let them: the one home of the rule.

- :func:`photo_is_public`: a citizen's photo is public when its submitter consented to publish;
  an answer's photo once the answer is published (the case answered or closed). Public photos are
  served to anyone and may be cached.
- Otherwise a photo is served only to staff who may see its case (``workflow.visibility``), and
  to the submitter through a link minted from their private page: the file's name signed with the
  site's secret and a time (:func:`signed_photo_url`, valid ``PAKN_PHOTO_LINK_SECONDS``). The
  private key itself never appears in an image URL. Anyone else gets 404, as for a file that
  does not exist.

``feedback.views.media`` applies this to the local disk (``PAKN_SERVE_MEDIA``); with an nginx in
front it answers with ``X-Accel-Redirect`` so nginx sends the bytes.
"""
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage

from workflow.models import CasePhoto, State, SubmissionPhoto
from workflow.visibility import can_see

ANSWER_PUBLIC_STATES = (State.ANSWERED, State.CLOSED)
_SIGNER_SALT = "pakn.photo-link"


def submission_photos_are_public(submission) -> bool:
    return submission.publish_consent


def answer_photos_are_public(case) -> bool:
    return case.state in ANSWER_PUBLIC_STATES and case.answered_at is not None


def photo_is_public(record) -> bool:
    """The rule, for either kind of photo (a submission's ``SubmissionPhoto`` or an answer's ``CasePhoto``)."""
    if isinstance(record, SubmissionPhoto):
        return submission_photos_are_public(record.submission)
    return answer_photos_are_public(record.case)


def case_of(record):
    return record.submission.case if isinstance(record, SubmissionPhoto) else record.case


# --- links ---------------------------------------------------------------------------------

def _signer():
    return signing.TimestampSigner(salt=_SIGNER_SALT)


def photo_link_token(name: str) -> str:
    """``<time>:<signature>`` over the file's name (the name is in the path, not repeated)."""
    return _signer().sign(name)[len(name) + 1:]


def link_token_is_valid(name: str, token: str) -> bool:
    if not token or ":" not in token:
        return False
    try:
        _signer().unsign(f"{name}:{token}", max_age=settings.PAKN_PHOTO_LINK_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return False
    return True


def photo_url(name: str, *, signed: bool = False) -> str:
    """The file's URL; ``signed`` adds the short-lived token a private photo needs."""
    url = default_storage.url(name)
    return f"{url}?{urlencode({'t': photo_link_token(name)})}" if signed else url


# --- serving ----------------------------------------------------------------------------------

def photo_record(name: str):
    """The photo row that owns this stored file (image or thumbnail), or None."""
    for model in (SubmissionPhoto, CasePhoto):
        related = "submission__case__agency" if model is SubmissionPhoto else "case__agency"
        field = "thumbnail" if "/thumbs/" in name else "image"
        record = model.objects.select_related(related).filter(**{field: name}).first()
        if record is not None:
            return record
    return None


def may_view(record, name: str, *, actor=None, token: str = "") -> bool:
    """Public; or staff who may see the case; or a valid link minted for this very file."""
    if photo_is_public(record):
        return True
    if actor is not None and actor.is_staff_member and can_see(case_of(record), actor):
        return True
    return link_token_is_valid(name, token)
