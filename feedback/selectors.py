"""What the public and the submitter see of a submission and its case.

The public view carries no personal data (Nghị định 13/2023): never a name, phone or email, never
a staff member's username, no exact position or address of an anonymous submitter, and the
submitter's text and photos only where they consented to publish. The submitter's own view, opened
with the private key, adds what they sent and what they can do now.
"""
import re
from datetime import timedelta

from django.conf import settings
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, Subquery, When
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.translation import gettext as _

from core.geo import box_around, distance_m, from_micro, half_up_to, half_up_to_sql, micro_degrees, to_micro
from core.models import Category, Kind, Ward
from workflow import selectors as workflow_selectors
from workflow import transitions
from workflow.actors import CITIZEN, citizen_actor
from workflow.models import OPEN_STATES, CaseEvent, RejectReason, State, Submission, SubmissionPhoto
from workflow.photos import answer_photos_are_public, photo_links, stored_photo_url, submission_photos_are_public

MAX_MERGE_HOPS = 20
ANONYMOUS_COORDINATE_DIGITS = 3  # about 100 m: the street, not the house
ANONYMOUS_STEP = 10 ** (6 - ANONYMOUS_COORDINATE_DIGITS)  # the same, in micro-degrees
HIDDEN_FROM_HOME = (State.REJECTED, State.WITHDRAWN, State.MERGED)
NOT_NEARBY = (State.MERGED, State.WITHDRAWN)
NEARBY_LIMIT = 10
# How far a public position may be from the stored one (rounding to 3 decimals): the database
# prefilter widens its box by this, so no case whose public position is in range is missed.
ROUNDING_MARGIN_M = 80


def _local(moment):
    return timezone.localtime(moment) if moment else None


# BN-2611-0042-K7 as people type it: any case, spaces, dots or no dashes (the random part is absent
# from codes made before it existed).
_TYPED_CODE = re.compile(r"([A-Z]{1,5})-?(\d{4})-?(\d{4,6})(?:-?([A-Z0-9]{2}))?")


def normal_tracking_code(raw: str) -> str:
    """A typed code in the stored form: ``bn 2611 0042 k7`` → ``BN-2611-0042-K7``."""
    code = re.sub(r"[\s_.]+", "-", (raw or "").strip()).upper()[:40]
    code = re.sub(r"-{2,}", "-", code).strip("-")
    typed = _TYPED_CODE.fullmatch(code)
    if typed is None:
        return code[:20]
    return "-".join(part for part in typed.groups() if part)


def submission_by_code(code: str) -> Submission | None:
    """The submission with this tracking code (as typed, see ``normal_tracking_code``), with what its pages show."""
    code = normal_tracking_code(code)
    if not code or len(code) > 20:
        return None
    return (Submission.objects.select_related("case", "case__agency", "category", "ward")
            .filter(tracking_code=code).first())


def surviving_case(submission):
    """The case a submission follows now. Merging re-points submissions, so this is the
    submission's case; following ``merged_into`` is a safeguard."""
    case = submission.case
    for _hop in range(MAX_MERGE_HOPS):
        if case.state != State.MERGED or case.merged_into_id is None:
            break
        case = case.merged_into
    return case


def _timeline(submission, case, *, with_messages):
    """The public steps: the submission itself, then the public events (no one's name) of the case
    it follows and of the cases it followed before a merge handed it on (the merge included)."""
    entries = [{"at": _local(submission.submitted_at), "transition": "submit",
                "label": str(transitions.public_label("submit")), "agency": None, "message": None}]
    followed = [case.pk, *_cases_followed_before(submission, case)]
    events = (public_events().filter(case__in=followed).exclude(transition="submit")
              .select_related("agency").order_by("created_at", "pk"))
    for event in events:
        entries.append(_timeline_entry(event, with_messages=with_messages))
    return entries


def _cases_followed_before(submission, case):
    """The duplicates merged into ``case`` whose merge handed on this submission (a merge's event
    names the submissions it moved; every case merged into ``case`` points at it)."""
    merges = CaseEvent.objects.filter(transition="merge", case__merged_into=case).values_list("case_id", "data")
    return [case_id for case_id, data in merges if submission.pk in (data or {}).get("submissions", ())]


def _shows_message(event, *, draft, with_messages):
    """The message of a step meant for the citizen (its declaration says when): the answer always,
    the others (about the submitter's own matter) only with their consent; never a draft's."""
    spec = transitions.get(event.transition)
    when = spec.message_to_public if spec else ""
    return bool(when) and not draft and (with_messages or when == transitions.ALWAYS)


def _timeline_entry(event, *, with_messages):
    # An answer waiting for a supervisor is a draft: the public sees only that it is awaited.
    draft = event.transition == "answer" and event.to_state == State.PENDING_APPROVAL
    shows_message = _shows_message(event, draft=draft, with_messages=with_messages)
    return {
        "at": _local(event.created_at),
        "transition": event.transition,
        "label": str(_("Đang chờ duyệt trả lời") if draft else transitions.public_label(event.transition)),
        # The agency that took the step; a step the citizen took (a rating that reopens, more
        # information, withdrawing) is theirs, whoever held the case then.
        "agency": event.agency.name if event.agency_id and event.actor_kind != CITIZEN else None,
        "message": (event.message or None) if shows_message else None,
    }


def public_position(submission):
    """The position the public may know: exact, or rounded to about 100 m for an anonymous
    submitter (the street, not the house). ``(latitude, longitude)`` floats, or None.

    Rounding is done on whole micro-degrees (the stored 6 decimals), to 3 decimals with a tie
    going up, so ``public_position_sql`` gives the very same numbers inside the database.
    """
    if not submission.has_location:
        return None
    latitude, longitude = to_micro(submission.latitude), to_micro(submission.longitude)
    if submission.anonymous:
        latitude, longitude = half_up_to(latitude, ANONYMOUS_STEP), half_up_to(longitude, ANONYMOUS_STEP)
    return from_micro(latitude), from_micro(longitude)


def public_position_sql(prefix=""):
    """``public_position`` in SQL over submissions (reached through ``prefix``): annotations
    ``public_lat`` and ``public_lon`` in whole micro-degrees (for maps that count in the database)."""
    def public(field):
        exact = micro_degrees(F(f"{prefix}{field}"))
        return SqlCase(When(**{f"{prefix}anonymous": True}, then=half_up_to_sql(exact, ANONYMOUS_STEP)),
                       default=exact, output_field=BigIntegerField())
    return {"public_lat": public("latitude"), "public_lon": public("longitude")}


def _location(submission, *, exact=False):
    if not submission.has_location:
        return None
    latitude, longitude = ((float(submission.latitude), float(submission.longitude)) if exact
                           else public_position(submission))
    return {"latitude": latitude, "longitude": longitude}


# --- what the public may see of a submission: one rule for the public page, its API and Open311 ---

def shows_content(submission) -> bool:
    """The submitter's own words and position are public on the same consent that opens their
    photos (``workflow.photos``): only when they consented to publish."""
    return submission_photos_are_public(submission)


def public_text(submission, field) -> str | None:
    """``title`` or ``description`` as the public sees it (None without consent)."""
    return getattr(submission, field) if shows_content(submission) else None


def public_location(submission) -> dict | None:
    """With consent: the position, an anonymous submitter's rounded to about 100 m."""
    return _location(submission) if shows_content(submission) else None


def public_address(submission) -> str | None:
    """With consent and never for an anonymous submitter: the address they typed."""
    if not shows_content(submission) or submission.anonymous or not submission.address:
        return None
    return submission.address


def public_answer_text(case) -> str | None:
    """The answer once it is published (``Case.answer_published``), else None."""
    return case.answer if case.answer_published else None


def public_events():
    """The case events the public timeline shows (``.filter(case=…)`` to narrow)."""
    return CaseEvent.objects.filter(is_public=True)


def _photos(submission, build_uri):
    public = submission_photos_are_public(submission)
    return [photo_links(photo, public=public, build_uri=build_uri) for photo in submission.photos.all()]


def _answer(case, build_uri, *, sender_consented, for_the_sender=False):
    """The published answer; its photos for the public only where they are public, for the sender
    (``for_the_sender``) always, through signed links when they are not."""
    if not case.answer_published:
        return None
    public = answer_photos_are_public(case, consenting_sender_known=sender_consented)
    shown = case.result_photos.order_by("created_at", "pk") if public or for_the_sender else ()
    photos = [photo_links(p, public=public, build_uri=build_uri) for p in shown]
    return {"text": case.answer, "answered_at": _local(case.answered_at),
            "agency": case.agency.name if case.agency_id else None, "photos": photos}


def _rejection(case, *, with_message):
    if case.state != State.REJECTED:
        return None
    label = RejectReason(case.reject_reason_code).label if case.reject_reason_code in RejectReason.values else ""
    return {"reason_code": case.reject_reason_code, "reason_label": str(label),
            "message": case.reject_message if with_message else None}


def _named(obj):
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def public_case(submission, *, build_uri=None) -> dict:
    """The public view of a submission: its case's status, public timeline and answer.

    Title, description, location, address and photos only with the submitter's consent; an
    anonymous submitter's position rounded to about 100 m and their address never shown.
    ``build_uri`` turns file URLs absolute (the API passes ``request.build_absolute_uri``).
    """
    case = surviving_case(submission)
    consent = shows_content(submission)
    return {
        "tracking_code": submission.tracking_code,
        "status": case.state,
        "status_label": str(State(case.state).label),
        "kind": submission.kind,
        "kind_label": str(Kind(submission.kind).label),
        "category": _named(submission.category),
        "title": public_text(submission, "title"),
        "description": public_text(submission, "description"),
        "ward": _named(submission.ward),
        "location": public_location(submission),
        "address": public_address(submission),
        "submitted_at": _local(submission.submitted_at),
        "photos": _photos(submission, build_uri) if consent else [],
        "timeline": _timeline(submission, case, with_messages=consent),
        "answer": _answer(case, build_uri, sender_consented=consent),
        "rejection": _rejection(case, with_message=consent),
        "due_at": _local(case.due_at) if case.state in OPEN_STATES else None,
    }


def available_citizen_actions(submission, case=None) -> list[str]:
    """What the submitter can do now, by the workflow's own rules (``workflow.selectors``)."""
    case = case or surviving_case(submission)
    return workflow_selectors.available_citizen_actions(case, citizen_actor(case.pk))


def _last_info_request(case):
    event = (CaseEvent.objects.filter(case=case, transition="request_info")
             .order_by("-created_at", "-pk").only("message", "created_at").first())
    return {"message": event.message, "at": _local(event.created_at)} if event else None


def private_case(submission, *, build_uri=None) -> dict:
    """The submitter's view: the public view plus everything they sent and what they can do now."""
    case = surviving_case(submission)
    view = public_case(submission, build_uri=build_uri)
    view.update({
        "title": submission.title,
        "description": submission.description,
        "location": _location(submission, exact=True),
        "location_from_photo": submission.location_from_photo,
        "address": submission.address or None,
        "photos": _photos(submission, build_uri),
        "contact": {"name": submission.contact_name, "phone": submission.contact_phone,
                    "email": submission.contact_email},
        "notify": {"email": submission.notify_email, "sms": submission.notify_sms},
        "contact_erased_at": _local(submission.contact_erased_at),
        "anonymous": submission.anonymous,
        "publish_consent": submission.publish_consent,
        "timeline": _timeline(submission, case, with_messages=True),
        "answer": _answer(case, build_uri, sender_consented=submission.publish_consent, for_the_sender=True),
        "rejection": _rejection(case, with_message=True),
        "rating": case.rating or None,
        "version": case.version,
        "actions": available_citizen_actions(submission, case),
        "info_request": _last_info_request(case) if case.state == State.NEEDS_INFO else None,
    })
    return view


def publicly_listed(*, located=False):
    """What the public lists (the home page, the map and its list): one submission per case, the
    first whose sender consented to publish (with a position, when ``located``: the map's), of a
    case open or answered (not rejected, withdrawn or merged away). Duplicates merged into one case
    are one entry, as the case is."""
    consenting = Q(publish_consent=True)
    if located:
        consenting &= Q(latitude__isnull=False, longitude__isnull=False)
    earlier = Submission.objects.filter(consenting, case=OuterRef("case_id"), pk__lt=OuterRef("pk"))
    return (Submission.objects.filter(consenting).exclude(case__state__in=HIDDEN_FROM_HOME)
            .exclude(Exists(earlier)))


def recent_public_cases(limit=10) -> list[dict]:
    """Newest submissions whose senders consented to publish, public fields only (home page)."""
    first_thumbnail = SubmissionPhoto.objects.filter(submission=OuterRef("pk")).order_by("position", "pk").values("thumbnail")[:1]
    rows = (publicly_listed().select_related("case", "category", "ward")
            .annotate(first_thumbnail=Subquery(first_thumbnail))
            .order_by("-submitted_at", "-pk")[:limit])
    return [{
        "tracking_code": row.tracking_code,
        "title": row.title,
        "status": row.case.state,
        "status_label": str(State(row.case.state).label),
        "kind": row.kind,
        "category": _named(row.category),
        "ward": _named(row.ward),
        "submitted_at": _local(row.submitted_at),
        "thumbnail_url": stored_photo_url(row.first_thumbnail, public=submission_photos_are_public(row))
        if row.first_thumbnail else None,
    } for row in rows]


def active_categories(kind: str | None = None) -> list[Category]:
    """Active categories, those that apply to ``kind`` when given (few rows: filtered in Python
    because a JSON-list lookup is not portable to SQLite)."""
    categories = list(Category.objects.active())
    return [c for c in categories if kind is None or c.applies_to(kind)]


def active_wards():
    return Ward.objects.filter(is_active=True).only("code", "name").order_by("name")


def nearby_public_cases(*, latitude, longitude, category_code=None, now=None) -> list[dict]:
    """Public cases near a point, nearest first: "similar feedback nearby" before one files again.

    The rule (PRODUCT.md): publish consent given, within ``PAKN_NEARBY_RADIUS_M`` (300 m) of the
    point, submitted in the last ``PAKN_NEARBY_DAYS`` (60) days, not merged or withdrawn, one per
    case (merged duplicates are one), at most 10. A latitude/longitude box narrows the rows in
    SQL (indexable, the same on SQLite and PostgreSQL); the exact distance is then measured from each case's PUBLIC position (rounded
    for an anonymous submitter, as on the public page), so the distance cannot reveal more than
    the public page already does. Distances are whole metres.
    """
    radius = settings.PAKN_NEARBY_RADIUS_M
    since = (now or timezone.now()) - timedelta(days=settings.PAKN_NEARBY_DAYS)
    box = box_around(latitude, longitude, radius + ROUNDING_MARGIN_M)
    rows = (Submission.objects.filter(publish_consent=True, submitted_at__gte=since,
                                      latitude__gte=box.min_lat, latitude__lte=box.max_lat,
                                      longitude__gte=box.min_lon, longitude__lte=box.max_lon)
            .exclude(case__state__in=NOT_NEARBY).select_related("case")
            .only("tracking_code", "title", "latitude", "longitude", "anonymous", "submitted_at", "case_id",
                  "case__state"))
    if category_code:
        rows = rows.filter(category__code=category_code)
    found = []
    for row in rows:
        position = public_position(row)
        distance = distance_m(latitude, longitude, *position)
        if distance <= radius:
            found.append((distance, -row.submitted_at.timestamp(), row))
    found.sort(key=lambda item: item[:2])
    return [{"tracking_code": row.tracking_code, "title": row.title, "status": row.case.state,
             "distance_m": round(distance)} for distance, _newest, row in _nearest_per_case(found)[:NEARBY_LIMIT]]


def _nearest_per_case(found):
    """Duplicates merged into one case are one thing to the citizen: its nearest report stands for it."""
    seen, kept = set(), []
    for item in found:
        case_id = item[2].case_id
        if case_id not in seen:
            seen.add(case_id)
            kept.append(item)
    return kept


def state_labels() -> dict:
    """Every state's label in the current language (for pages that show states from the API)."""
    return {state.value: str(state.label) for state in State}
