"""Which photos the public may see (the one rule), and the links pages and the API give to them.

The rule (PRODUCT.md, Nghị định 13/2023): a submission's photos are public only when its sender
consented to publish; an answer's photos only once the answer is published (answered or closed,
not a draft waiting for approval, not an answer reopened); every other photo is private, shown only
to staff who may see the case and to the submitter through the private key.

Every place that links to a photo or decides who may fetch one asks here: the public and private
views (``feedback.selectors``), the visibility kept on each object in a bucket (``sync_*`` below,
after each change of a case, and ``manage.py move_photos_to_bucket``), and serving from local disk
(``photo_is_public`` of the record that owns a stored name).
"""
import logging

from core.photo_files import photo_url, set_visibility, supports_visibility
from workflow.models import CasePhoto

log = logging.getLogger(__name__)


def submission_photos_are_public(submission) -> bool:
    """A citizen's photos are public only with the consent to publish they gave when sending."""
    return bool(submission.publish_consent)


def answer_photos_are_public(case) -> bool:
    """An answer's photos are public once the answer is (and only while it stays) published."""
    return case.answer_published


def photo_is_public(photo) -> bool:
    """The rule for one stored photo: a citizen's ``SubmissionPhoto`` or an answer's ``CasePhoto``."""
    if isinstance(photo, CasePhoto):
        return answer_photos_are_public(photo.case)
    return submission_photos_are_public(photo.submission)


def stored_photo_url(name, *, public, build_uri=None):
    """A stored file's link: plain and cacheable when public, signed (in a bucket) otherwise."""
    url = photo_url(name, public=public)
    return build_uri(url) if build_uri else url


def photo_links(photo, *, public=None, build_uri=None) -> dict:
    """``url`` and ``thumbnail_url`` of a photo; pass ``public`` when the caller already knows it
    for a whole group (one submission, one answer) to save a query per photo."""
    public = photo_is_public(photo) if public is None else public
    return {"url": stored_photo_url(photo.image.name, public=public, build_uri=build_uri),
            "thumbnail_url": stored_photo_url(photo.thumbnail.name, public=public, build_uri=build_uri)}


def stored_names(photo):
    return [photo.image.name, photo.thumbnail.name]


def sync_answer_photo_visibility(case) -> int:
    """After a case changed, make its answer's photos public or private as the rule now says.

    An answer published (straight away, or on approval) opens them; a reopened answer closes them
    again. Returns how many files could not be changed (logged; ``move_photos_to_bucket`` repairs).
    """
    if not supports_visibility():
        return 0
    names = [name for photo in case.result_photos.all() for name in stored_names(photo)]
    return set_visibility(names, public=answer_photos_are_public(case)) if names else 0


# The transitions after which an answer's photos may change from private to public or back.
ANSWER_VISIBILITY_TRANSITIONS = ("answer", "approve", "reopen")


def on_case_changed_sync_answer_photos(sender, case, event, **kwargs):
    """After commit: a published answer's photos become public in the bucket, a reopened one's private."""
    if event.transition in ANSWER_VISIBILITY_TRANSITIONS:
        sync_answer_photo_visibility(case)
