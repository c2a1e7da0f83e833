"""Which photos the public may see (the one rule), and the links pages and the API give to them.

The rule (PRODUCT.md, Nghị định 13/2023): a submission's photos are public only when its sender
consented to publish; an answer's photos only once the answer is published (answered or closed,
not a draft waiting for approval, not an answer reopened) and only where a sender of the case
consented (a photo of the result shows the place, which a sender who did not consent keeps from
the public); every other photo is private, shown only to staff who may see the case and to the
submitter through the private key.

Every place that links to a photo or decides who may fetch one asks here: the public and private
views (``feedback.selectors``), the visibility kept on each object in a bucket (``sync_*`` below,
after each change of a case, and ``manage.py move_photos_to_bucket``), and serving from local disk
(``may_fetch``: ``feedback.views.media`` finds the record that owns a stored name and serves it
when it is public, to staff who may see its case, or through a signed link handed out with a
page that may show it; anyone else gets 404, as for a file that does not exist).
"""
import logging

from core.photo_files import local_link_is_valid, photo_url, set_visibility, supports_visibility
from workflow.models import CasePhoto, SubmissionPhoto
from workflow.visibility import can_see

log = logging.getLogger(__name__)


def submission_photos_are_public(submission) -> bool:
    """A citizen's photos are public only with the consent to publish they gave when sending."""
    return bool(submission.publish_consent)


def answer_photos_are_public(case, *, consenting_sender_known=False) -> bool:
    """An answer's photos are public once the answer is (and only while it stays) published, on a
    case one of whose senders consented to publish (``consenting_sender_known``: the caller holds
    one, which saves the query)."""
    if not case.answer_published:
        return False
    return consenting_sender_known or case.submissions.filter(publish_consent=True).exists()


def photo_is_public(photo) -> bool:
    """The rule for one stored photo: a citizen's ``SubmissionPhoto`` or an answer's ``CasePhoto``."""
    if isinstance(photo, CasePhoto):
        return answer_photos_are_public(photo.case)
    return submission_photos_are_public(photo.submission)


def case_of(photo):
    return photo.case if isinstance(photo, CasePhoto) else photo.submission.case


def photo_record(name):
    """The photo (a citizen's or an answer's) that owns this stored file, image or thumbnail; None."""
    field = "thumbnail" if "/thumbs/" in name else "image"
    for model, related in ((SubmissionPhoto, "submission__case__agency"), (CasePhoto, "case__agency")):
        photo = model.objects.select_related(related).filter(**{field: name}).first()
        if photo is not None:
            return photo
    return None


def may_fetch(photo, name, *, actor=None, token="") -> bool:
    """Serving a stored file from local disk: public; or a staff ``actor`` (through the staff gate)
    who may see its case; or a signed link minted for this very file (``photo_url``)."""
    if photo_is_public(photo):
        return True
    if actor is not None and can_see(case_of(photo), actor):
        return True
    return local_link_is_valid(name, token)


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


# The steps after which an answer's photos may change from private to public or back (a merge
# into an answered case may bring the first sender who consented).
ANSWER_VISIBILITY_TRANSITIONS = ("answer", "approve", "reopen", "merge_in")


def on_case_changed_sync_answer_photos(sender, case, event, **kwargs):
    """After commit: a published answer's photos become public in the bucket, a reopened one's private."""
    if event.transition in ANSWER_VISIBILITY_TRANSITIONS:
        sync_answer_photo_visibility(case)
