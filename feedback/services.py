"""Intake: turning what a citizen sends into a submission and the case that handles it.

Rules enforced here (field rules live in ``feedback.serializers``, shared by the API and the form):

- Every photo goes through ``core.images.process_image`` before anything is written; a bad photo
  refuses the whole submission and names the photo ("Ảnh 2: …").
- A submission, its case, its photos' rows and files are created together or not at all: files
  written for an attempt that fails are removed.
- An ``Idempotency-Key`` makes a resend harmless: the same key with the same content returns the
  first submission (``replayed=True``), the same key with other content is a 409.
- The private key opening the submitter's page is never stored in clear: its hash proves a key,
  and a sealed copy (``core.sealing``) lets ``private_link`` write it into the submitter's own
  messages.
"""
import base64
import hashlib
import hmac
import json
import logging
import random
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, ValidationFailed
from core.devices import DeviceClass
from core.geo import province_bounds
from core.images import check_photo_count, process_photos, read_upload
from core.sealing import seal, unseal
from core.photo_files import delete_files, store_image_files
from core.models import Kind
from feedback.models import TrackingCounter
from feedback.selectors import submission_by_code
from workflow.actors import citizen_actor
from workflow.models import (OFFICER_CHANNELS, Case, Channel, Priority, Submission, SubmissionPhoto,
                             hash_private_key)
from workflow.photos import submission_photos_are_public
from workflow import services as workflow
from workflow.working_time import LOCAL_TZ

log = logging.getLogger(__name__)

IDEMPOTENCY_KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{8,128}")
COORDINATE_STEP = Decimal("0.000001")
# What the request fingerprint covers: a resend must carry the same content to be a replay.
FINGERPRINT_FIELDS = (
    "kind", "category", "title", "description", "latitude", "longitude", "address", "ward", "media_url",
    "contact_name", "contact_phone", "contact_email", "anonymous", "publish_consent",
)
CITIZEN_TEXT_MAX_CHARS = 2000
BUSY_RETRIES = 6
BUSY_BACKOFF_SECONDS = 0.02


@dataclass(frozen=True)
class SubmissionResult:
    submission: Submission
    private_key: str
    replayed: bool


# --- keys and links --------------------------------------------------------------------------

def private_key_for(idempotency_key: str | None) -> str:
    """A fresh random key, or, for a request carrying an Idempotency-Key, one derived from it.

    Deriving it (HMAC with the site's secret) lets a replay hand back the same private link
    without the key ever being stored in clear.
    """
    if not idempotency_key:
        return secrets.token_urlsafe(24)
    digest = hmac.new(settings.SECRET_KEY.encode(), b"pakn.feedback.private-key:" + idempotency_key.encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def private_path(code: str, key: str) -> str:
    """The submitter's page with their key: ``/theo-doi/BN-2611-0042-K7/?key=…``."""
    return f"{reverse('feedback:private', kwargs={'code': code})}?{urlencode({'key': key})}"


def _seal_purpose(code: str) -> str:
    return f"feedback.private-key:{code}"


def seal_private_key(code: str, key: str) -> str:
    return seal(key, purpose=_seal_purpose(code))


def private_link(submission) -> str | None:
    """The submitter's absolute private link (``PAKN_PUBLIC_BASE_URL``), for their own messages.

    The one place the sealed key is opened. None when the submission has no sealed key (made
    before keys were sealed) or it cannot be opened (the secret key changed without a fallback).
    """
    key = unseal(submission.private_key_sealed, purpose=_seal_purpose(submission.tracking_code))
    if key is None:
        return None
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + private_path(submission.tracking_code, key)


def check_idempotency_key(key: str | None) -> None:
    if key is not None and not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
        raise ValidationFailed(fields={"idempotency_key": [
            _("Idempotency-Key phải dài 8–128 ký tự, chỉ gồm chữ, số và các dấu - _ : .")]})


# --- how the submitter hears of their case ------------------------------------------------------

NOTICE_CHANNELS = {"email": "notify_email", "sms": "notify_sms"}
UNSUBSCRIBE_SALT = "pakn.feedback.unsubscribe-email"


def submission_set_notice_channel(*, submission: Submission, channel: str, on: bool) -> Submission:
    """Turn one of the submitter's channels (``email``, ``sms``) on or off for their case.

    Only a channel they left a contact for can be chosen; Web Push is chosen by subscribing a
    browser (``notifications.subscriptions``). A message not yet sent on a channel turned off is
    not sent (the outbox reads the choice when it sends).
    """
    field = NOTICE_CHANNELS.get(channel)
    contact = {"email": submission.contact_email, "sms": submission.contact_phone}.get(channel)
    if field is None or not contact:
        raise ValidationFailed(fields={"channel": [_("Phản ánh này không có kênh liên lạc đó.")]})
    Submission.objects.filter(pk=submission.pk).update(**{field: bool(on)})
    setattr(submission, field, bool(on))
    return submission


def email_unsubscribe_url(submission: Submission) -> str:
    """The one-click address that stops emails about this submission (in each email, and in its
    List-Unsubscribe header): signed, so it opens nothing else and needs no private key."""
    token = signing.dumps(submission.pk, salt=UNSUBSCRIBE_SALT, compress=True)
    path = reverse("feedback:email_unsubscribe", kwargs={"token": token})
    return settings.PAKN_PUBLIC_BASE_URL.rstrip("/") + path


def submission_by_unsubscribe_token(token: str) -> Submission | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Submission.objects.filter(pk=pk).first() if isinstance(pk, int) else None


# --- photos ----------------------------------------------------------------------------------

def _save_photos(submission, processed, *, first_position, written):
    """Photo rows and files; file names are random, never derived from the citizen or the upload.

    Stored public at once when the submitter consented to publish (``workflow.photos``)."""
    public = submission_photos_are_public(submission)
    for offset, image in enumerate(processed):
        photo = SubmissionPhoto(submission=submission, width=image.width, height=image.height,
                                source_format=image.source_format, position=first_position + offset)
        store_image_files(photo, image, written=written, public=public)
        photo.save()


# --- tracking codes --------------------------------------------------------------------------

# Two random characters after the running number: neighbouring codes cannot be guessed (a guess
# with the right number still has 1 chance in 961), and the code stays short enough to read out
# on the phone. No 0/O, 1/I/L: a code copied from paper is not mistyped into another one.
CODE_SUFFIX_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_SUFFIX_LENGTH = 2


def next_tracking_code(now) -> str:
    """``{prefix}-{YYMM}-{NNNN}-{XX}``: the month in Vietnam's time, its running number, and two
    random characters (``BN-2611-0042-K7``). Codes made before the random part keep working.

    The counter row is bumped with one UPDATE (a row lock on PostgreSQL, the write lock on
    SQLite), so two intakes at once never share a number. Call inside the intake transaction.
    """
    period = timezone.localtime(now, LOCAL_TZ).strftime("%y%m")
    if not TrackingCounter.objects.filter(period=period).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(period=period, value=1)
        except IntegrityError:  # another intake created this month's row first
            TrackingCounter.objects.filter(period=period).update(value=F("value") + 1)
    value = TrackingCounter.objects.values_list("value", flat=True).get(period=period)
    suffix = "".join(secrets.choice(CODE_SUFFIX_ALPHABET) for _ in range(CODE_SUFFIX_LENGTH))
    return f"{settings.PAKN_TRACKING_PREFIX}-{period}-{value:04d}-{suffix}"


# --- idempotency -----------------------------------------------------------------------------

def _plain(value):
    if hasattr(value, "code"):
        return value.code
    if isinstance(value, Decimal):
        return str(value.quantize(COORDINATE_STEP))
    return value


def request_fingerprint(fields: dict, raw_photos: Sequence[bytes]) -> str:
    """sha256 over the normalised fields and every photo's bytes, in order."""
    digest = hashlib.sha256()
    canonical = {name: _plain(fields.get(name)) for name in FINGERPRINT_FIELDS}
    digest.update(json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str).encode())
    for raw in raw_photos:
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _retrying_when_busy(work):
    """Run ``work()``, trying again a few times if SQLite reports its lock as busy.

    SQLite lets one writer at a time; a lock the busy timeout cannot wait out (shared-cache
    databases, a stale read snapshot) surfaces as "database is locked". Losing a citizen's
    submission to that would be wrong, so intake waits and retries. Inside a caller's own
    transaction a retry cannot help (the locks held stay held), so the error goes up as is.
    """
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return work()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == BUSY_RETRIES or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(BUSY_BACKOFF_SECONDS * 2**attempt * (1 + random.random()))
    raise AssertionError("unreachable")


def _replay(idempotency_key, fingerprint) -> SubmissionResult | None:
    """The first answer for this key, or None when the key is new; other content is a conflict."""
    if not idempotency_key:
        return None
    existing = Submission.objects.select_related("case").filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not hmac.compare_digest(existing.request_fingerprint, fingerprint):
        raise Conflict(_("Idempotency-Key này đã được dùng cho một phản ánh có nội dung khác. "
                         "Hãy dùng một khóa mới cho phản ánh mới."), code="idempotency_conflict")
    return SubmissionResult(existing, private_key_for(idempotency_key), replayed=True)


# --- submitting ------------------------------------------------------------------------------

def _with_photo_location(fields: dict, processed) -> dict:
    """Offer the first photo's GPS position as the location when no coordinates were given.

    Only a position inside the province (``PAKN_PROVINCE_BOUNDS``) is taken: a photo taken on a
    trip abroad says nothing about where the problem is. An ignored position is remembered as
    ``photo_location_ignored`` so the refusal for a missing location can say why.
    """
    fields = {**fields, "location_from_photo": False, "photo_location_ignored": False}
    if fields.get("latitude") is not None or fields.get("longitude") is not None:
        return fields
    gps = next((image.gps for image in processed if image.gps), None)
    if gps is None:
        return fields
    if not province_bounds().contains(*gps):
        return {**fields, "photo_location_ignored": True}
    latitude, longitude = (Decimal(str(value)).quantize(COORDINATE_STEP, ROUND_HALF_UP) for value in gps)
    return {**fields, "latitude": latitude, "longitude": longitude, "location_from_photo": True}


def _without_contact_if_anonymous(fields: dict) -> dict:
    """An anonymous submission keeps no name, phone or email, whatever the client also sent."""
    if not fields.get("anonymous"):
        return fields
    return {**fields, "contact_name": "", "contact_phone": "", "contact_email": ""}


def _require_location(fields: dict) -> None:
    """An on-site problem must be findable: coordinates, an address or a ward."""
    if fields["kind"] != Kind.ON_SITE:
        return
    if fields.get("latitude") is None and not (fields.get("address") or "").strip() and not fields.get("ward"):
        message = _("Cho biết vị trí: chọn trên bản đồ, nhập địa chỉ hoặc chọn phường/xã.")
        if fields.get("photo_location_ignored"):
            message = _("Vị trí trong ảnh nằm ngoài tỉnh nên không được dùng. %(ask)s") % {"ask": message}
        raise ValidationFailed(fields={"location": [message]})


def _submission_values(fields: dict) -> dict:
    names = ("kind", "category", "title", "description", "latitude", "longitude", "location_from_photo",
             "address", "ward", "media_url", "contact_name", "contact_phone", "contact_email", "anonymous",
             "publish_consent")
    values = {name: fields.get(name) for name in names}
    for name in ("address", "media_url", "contact_name", "contact_phone", "contact_email"):
        values[name] = values[name] or ""
    for name in ("anonymous", "publish_consent", "location_from_photo"):
        values[name] = bool(values[name])
    return values


def _create_submission(*, fields, processed, private_key, idempotency_key, fingerprint, channel,
                       device_class, language, entered_by, source, priority, now) -> Submission:
    """Case, submission, photo rows and files in one transaction; files removed if it fails."""
    written = []
    try:
        with transaction.atomic():
            now = now or timezone.now()
            code = next_tracking_code(now)  # first statement is a write: takes the lock up front
            case = workflow.case_open(kind=fields["kind"], category=fields["category"], title=fields["title"],
                                      ward=fields.get("ward"), submitted_at=now, priority=priority,
                                      device_class=device_class,
                                      event_data=_submit_event_data(channel, entered_by, source))
            submission = Submission.objects.create(
                tracking_code=code, private_key_hash=hash_private_key(private_key),
                private_key_sealed=seal_private_key(code, private_key), case=case,
                idempotency_key=idempotency_key or None, request_fingerprint=fingerprint,
                language=language, channel=channel, device_class=device_class, entered_by=entered_by,
                submitted_at=now, **_submission_values(fields),
            )
            _save_photos(submission, processed, first_position=0, written=written)
    except BaseException:
        delete_files(written)
        raise
    return submission


def _submit_event_data(channel, entered_by, source):
    """What the case's first event says of where the submission came from (staff see it in the log)."""
    data = {"channel": channel}
    if entered_by is not None:
        data["entered_by"] = entered_by.get_username()
    if source:
        data["client"] = source
    return data


def feedback_submit(*, fields: dict, photos: Sequence[bytes | UploadedFile] = (), channel: str,
                    device_class: str, idempotency_key: str | None = None, language: str = "vi",
                    entered_by=None, source: str = "", priority: str = Priority.NORMAL,
                    now=None) -> SubmissionResult:
    """Take in one submission: photos checked first, then case + submission + photos atomically.

    ``fields`` are values already validated by ``feedback.serializers.validate_submission``.
    A repeated ``idempotency_key`` with the same content returns the first result
    (``replayed=True``), including when two copies race (the unique key decides the winner).
    ``source`` names the API client that sent it (an Open311 client), written in the case's log.
    ``priority`` is the case's (citizens' submissions are normal; staff entering one may judge
    it urgent); ``now`` is when it arrived (default: the real time).
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if (channel in OFFICER_CHANNELS) != (entered_by is not None):
        raise ValueError("hotline and counter submissions, and only they, name the officer who entered them")
    check_idempotency_key(idempotency_key)
    check_photo_count(photos)
    fields = _without_contact_if_anonymous(fields)
    raw_photos = [read_upload(photo) for photo in photos]
    fingerprint = request_fingerprint(fields, raw_photos)
    replay = _retrying_when_busy(lambda: _replay(idempotency_key, fingerprint))
    if replay:
        return replay
    processed = process_photos(raw_photos)
    fields = _with_photo_location(fields, processed)
    _require_location(fields)
    private_key = private_key_for(idempotency_key)
    try:
        submission = _retrying_when_busy(lambda: _create_submission(
            fields=fields, processed=processed, private_key=private_key, idempotency_key=idempotency_key,
            fingerprint=fingerprint, channel=channel, device_class=device_class, language=language,
            entered_by=entered_by, source=source, priority=priority, now=now,
        ))
    except IntegrityError:
        # A concurrent copy of this request won the unique key: answer with its result.
        replay = _retrying_when_busy(lambda: _replay(idempotency_key, fingerprint))
        if replay is None:
            raise
        return replay
    return SubmissionResult(submission, private_key, replayed=False)


# --- channels ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """Where a submission came in: its channel, the citizen's device class and who typed it in."""

    channel: str
    device_class: str
    entered_by: object = None


def api_submission_origin(*, requested_channel: str | None, actor, device_class: str) -> Origin:
    """The channel a ``POST /api/v1/feedback/`` records (PRODUCT.md "Channels").

    ``api`` unless a signed-in reception officer (``actor``, a staff ``workflow.actors.Actor`` or
    None) enters a PAKN received by ``hotline`` or at the ``counter``: then the officer is who
    entered it and the citizen's device is ``unknown``. ``open311`` belongs to ``/open311/v2/``
    and ``web`` to the form; anyone claiming a channel that is not theirs gets 400.
    """
    channel = requested_channel or Channel.API
    if channel == Channel.API:
        return Origin(Channel.API, device_class)
    if channel in OFFICER_CHANNELS and actor is not None and actor.is_reception:
        return Origin(channel, DeviceClass.UNKNOWN, entered_by=actor.user)
    if channel in OFFICER_CHANNELS:
        message = _("Chỉ cán bộ tiếp nhận đã đăng nhập mới nhập phản ánh qua đường dây nóng hoặc quầy.")
    elif channel == Channel.OPEN311:
        message = _("Kênh open311 chỉ dùng qua /open311/v2/.")
    else:
        message = _("Kênh phải là api, hotline hoặc counter.")
    raise ValidationFailed(fields={"channel": [message]})


# --- the submitter's own actions ---------------------------------------------------------------

def submission_for_submitter(code: str, key: str | None) -> Submission | None:
    """The submission when ``key`` is its private key; None otherwise (a code alone opens nothing)."""
    if not isinstance(key, str) or not key:
        return None
    submission = submission_by_code(code)
    if submission is None or not submission.key_matches(key):
        return None
    return submission


def _citizen_text(data, name, *, required_message=None):
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if len(value) > CITIZEN_TEXT_MAX_CHARS:
        raise ValidationFailed(fields={name: [_("Tối đa %(n)d ký tự.") % {"n": CITIZEN_TEXT_MAX_CHARS}]})
    if required_message and not value:
        raise ValidationFailed(fields={name: [required_message]})
    return value


def _provide_info(submission, actor, data, photos, now):
    """The citizen's reply, with any extra photos stored on their submission in the same transaction."""
    message = _citizen_text(data, "message", required_message=_("Nhập thông tin bổ sung."))
    processed = process_photos(photos)
    written = []
    try:
        with transaction.atomic():
            case = workflow.case_provide_info(case=submission.case, actor=actor, message=message, now=now)
            position = (submission.photos.aggregate(last=Max("position"))["last"] or 0) + 1
            _save_photos(submission, processed, first_position=position, written=written)
    except BaseException:
        delete_files(written)
        raise
    return case


def _withdraw(submission, actor, data, photos, now):
    message = _citizen_text(data, "message")
    return workflow.case_withdraw(case=submission.case, actor=actor, message=message, now=now)


def _rate(submission, actor, data, photos, now):
    comment = _citizen_text(data, "comment")
    return workflow.case_rate(case=submission.case, actor=actor, rating=data.get("rating") or "", comment=comment,
                              now=now)


CITIZEN_ACTIONS = {"provide_info": _provide_info, "withdraw": _withdraw, "rate": _rate}


def citizen_action(*, code: str, key: str, name: str, data: dict, photos=(), device_class: str, now=None) -> Case:
    """One of the submitter's own actions on their case, proven by the private key.

    A wrong or missing key is "not found", like an unknown code, so a code alone reveals nothing.
    Names: ``provide_info`` (``message``, optional photos), ``withdraw``, ``rate`` (``rating``,
    optional ``comment``); ``now`` is when it happens (default: the real time).
    """
    submission = submission_for_submitter(code, key)
    action = CITIZEN_ACTIONS.get(name)
    if submission is None or action is None:
        raise NotFound()
    actor = citizen_actor(submission.case_id, device_class=device_class)
    return action(submission, actor, data, photos, now)
