"""What Open311 clients read: services from categories, requests from submissions.

A request is a submission seen exactly as the public sees it (``feedback.selectors``: the text,
position, address and photos only with the submitter's consent, an anonymous submitter's position
rounded and address never shown) plus Open311's own fields. Never a name, phone, email, key,
client or staff username. Lists are read in a fixed number of queries whatever their length.
"""
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.models import Category, Kind
from feedback import selectors as public
from open311.arguments import RequestQuery
from open311.formats import ListOf
from workflow.models import OPEN_STATES, Channel, RejectReason, State, Submission, SubmissionPhoto
from workflow.photos import stored_photo_url
from workflow.working_time import LOCAL_TZ

SERVICE_TYPE = "realtime"
BOOLEAN_VALUES = (("true", "Có"), ("false", "Không"))


def w3c(moment) -> str | None:
    """``2026-11-28T09:15:00+07:00``: Vietnam's time with its offset."""
    return timezone.localtime(moment, LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def _local_label(moment) -> str:
    return timezone.localtime(moment, LOCAL_TZ).strftime("%H:%M ngày %d/%m/%Y")


# --- services -----------------------------------------------------------------------------------

def category_kinds(category) -> list[str]:
    """The kinds a category takes, in the kinds' order (none listed: all three)."""
    return [kind for kind in Kind.values if category.applies_to(kind)]


def _service(category) -> dict:
    kinds = category_kinds(category)
    return {
        "service_code": category.code,
        "service_name": category.name_vi,
        "description": category.description,
        "metadata": True,
        "type": SERVICE_TYPE,
        "keywords": category.name_en,
        "group": str(Kind(kinds[0]).label) if len(kinds) == 1 else None,
    }


def service_list() -> ListOf:
    return ListOf("service", [_service(category) for category in public.active_categories()])


def service_for_code(code: str | None) -> Category:
    """The active category behind a service code; ``NotFound`` (404) for any other code."""
    category = Category.objects.active().filter(code=code or "").first() if code else None
    if category is None:
        raise NotFound(fields={"service_code": [_("Không có dịch vụ mã “%(code)s”.") % {"code": code}]})
    return category


def _choice(code, order, description, values, *, required, default=None):
    return {
        "variable": True, "code": code, "datatype": "singlevaluelist", "required": required,
        "datatype_description": _("Mặc định: %(value)s") % {"value": default} if default else None,
        "order": order, "description": description,
        "values": ListOf("value", [{"key": key, "name": name} for key, name in values]),
    }


def service_definition(category) -> dict:
    """``kind`` first where the category takes several kinds, then the two yes/no choices."""
    kinds = category_kinds(category)
    attributes = []
    if len(kinds) > 1:
        attributes.append(("kind", _("Loại phản ánh"), [(k, str(Kind(k).label)) for k in kinds], True, None))
    attributes.append(("publish_consent", _("Đồng ý công khai nội dung và ảnh (không kèm thông tin cá nhân)"),
                       BOOLEAN_VALUES, False, "false"))
    attributes.append(("anonymous", _("Gửi ẩn danh (không lưu thông tin liên hệ)"), BOOLEAN_VALUES, False, "false"))
    return {"service_code": category.code, "attributes": ListOf("attribute", [
        _choice(code, order, description, values, required=required, default=default)
        for order, (code, description, values, required, default) in enumerate(attributes, start=1)])}


# --- requests -----------------------------------------------------------------------------------

def _requests():
    first_photo = SubmissionPhoto.objects.filter(submission=OuterRef("pk")).order_by("position", "pk").values("image")[:1]
    last_public_event = (public.public_events().filter(case=OuterRef("case"))
                         .order_by("-created_at", "-pk").values("created_at")[:1])
    return (Submission.objects.select_related("case", "case__agency", "category", "ward")
            .annotate(first_photo=Subquery(first_photo), last_public_event_at=Subquery(last_public_event))
            .order_by("-submitted_at", "-pk"))


def request_page(query: RequestQuery) -> list[Submission]:
    """Newest first: the listed ids (unknown ones left out) or the filtered 90-day window; one page."""
    rows = _requests()
    if query.ids:
        rows = rows.filter(tracking_code__in=[code.upper() for code in query.ids])
    else:
        rows = rows.filter(submitted_at__gte=query.start, submitted_at__lte=query.end)
        if query.statuses and set(query.statuses) != {"open", "closed"}:
            in_open = {"case__state__in": OPEN_STATES}
            rows = rows.filter(**in_open) if "open" in query.statuses else rows.exclude(**in_open)
        if query.service_codes:
            rows = rows.filter(category__code__in=query.service_codes)
    first = (query.page - 1) * query.page_size
    return list(rows[first:first + query.page_size])


def request_by_code(code: str) -> Submission:
    submission = _requests().filter(tracking_code=(code or "").strip().upper()).first()
    if submission is None:
        raise NotFound(fields={"service_request_id": [_("Không có yêu cầu mã “%(code)s”.") % {"code": code}]})
    return submission


def request_by_token(token: str) -> Submission:
    """The Open311 request whose POST carried this ``Idempotency-Key``."""
    submission = Submission.objects.filter(idempotency_key=token, channel=Channel.OPEN311).only("tracking_code").first()
    if submission is None:
        raise NotFound(fields={"token": [_("Không có yêu cầu nào với token này.")]})
    return submission


def open311_status(case) -> str:
    """``open`` while someone still has to act; ``closed`` once answered, closed, rejected, merged
    or withdrawn (reopening makes it ``open`` again)."""
    return "open" if case.state in OPEN_STATES else "closed"


def status_notes(case) -> str:
    """The state's Vietnamese label, then the published answer or the reason for a refusal."""
    label = str(State(case.state).label)
    answer = public.public_answer_text(case)
    if answer:
        return f"{label}: {answer}"
    if case.state == State.REJECTED and case.reject_reason_code in RejectReason.values:
        return f"{label}: {RejectReason(case.reject_reason_code).label}"
    return label


def service_notice(case) -> str | None:
    """What happens next, with its deadline, while someone still has to act."""
    if case.state == State.SUBMITTED and case.due_at:
        return _("Bộ phận tiếp nhận xem xét và chuyển cơ quan xử lý trước %(when)s.") % {
            "when": _local_label(case.due_at)}
    if case.state in OPEN_STATES and case.handling_due_at and not case.paused_at:
        return _("Hạn xử lý: %(when)s.") % {"when": _local_label(case.handling_due_at)}
    return None


def _expected(case):
    """The deadline in force while open: handling once an agency holds it, else reception's;
    none while the clock waits for the citizen."""
    if case.state not in OPEN_STATES or case.paused_at:
        return None
    return case.handling_due_at or case.due_at


def _media_url(submission, build_uri):
    if not public.shows_content(submission):
        return None
    if submission.first_photo:
        return stored_photo_url(submission.first_photo, public=True, build_uri=build_uri)
    return submission.media_url or None


def request_resource(submission, *, build_uri) -> dict:
    """One request as any client may read it (``submission`` from ``_requests()``)."""
    case = submission.case if submission.case.state != State.MERGED else public.surviving_case(submission)
    location = public.public_location(submission) or {}
    return {
        "service_request_id": submission.tracking_code,
        "status": open311_status(case),
        "status_notes": status_notes(case),
        "service_name": submission.category.name_vi,
        "service_code": submission.category.code,
        "description": public.public_text(submission, "description"),
        "agency_responsible": case.agency.name_vi if case.agency_id else None,
        "service_notice": service_notice(case),
        "requested_datetime": w3c(submission.submitted_at),
        "updated_datetime": w3c(submission.last_public_event_at or submission.submitted_at),
        "expected_datetime": w3c(_expected(case)),
        "address": public.public_address(submission),
        "address_id": submission.ward.code if submission.ward_id else None,
        "zipcode": None,
        "lat": location.get("latitude"),
        "long": location.get("longitude"),
        "media_url": _media_url(submission, build_uri),
    }
