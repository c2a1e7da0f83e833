"""Reading Open311's arguments: an empty one counts as absent, each bad one is its own 400 error.

``request_query`` reads the filters of ``GET requests`` (the 90-day window, paging); the errors
name the argument at fault (``ValidationFailed.fields`` keyed by Open311's own argument names).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed

WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
STATUSES = ("open", "closed")
# Times without an offset are Vietnam's (UTC+7 all year).
VIETNAM_OFFSET = dt_timezone(timedelta(hours=7))


def argument(params, name) -> str | None:
    """The argument's value, stripped; None when it is absent or empty."""
    value = params.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def comma_list(value) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def check_jurisdiction(params) -> None:
    """One jurisdiction: ``jurisdiction_id`` absent, empty or this one; any other is 404."""
    jurisdiction = argument(params, "jurisdiction_id")
    if jurisdiction is not None and jurisdiction != settings.OPEN311_JURISDICTION:
        raise NotFound(fields={"jurisdiction_id": [
            _("Không phục vụ jurisdiction_id này; dùng %(id)s hoặc bỏ trống.") % {"id": settings.OPEN311_JURISDICTION}]})


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...]
    service_codes: tuple[str, ...]
    statuses: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    page: int
    page_size: int


def parse_w3c(value: str) -> datetime:
    """A W3C date-time (``2026-11-28T09:15:00Z``, ``…+07:00``, or a date); no offset means +07:00."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM_OFFSET)


def _dates(params, errors):
    parsed = {}
    for name in ("start_date", "end_date"):
        value = argument(params, name)
        if value is None:
            continue
        try:
            parsed[name] = parse_w3c(value)
        except ValueError:
            errors[name] = [_("Thời điểm không đúng định dạng W3C, ví dụ 2026-11-28T09:15:00+07:00.")]
    return parsed.get("start_date"), parsed.get("end_date")


def _window(start, end, now, errors):
    """Neither: the last 90 days; one: 90 days from or to it; both: at most 90 days apart."""
    if start is None and end is None:
        return now - WINDOW, now
    if end is None:
        return start, start + WINDOW
    if start is None:
        return end - WINDOW, end
    if end < start:
        errors["end_date"] = [_("Phải sau start_date.")]
    elif end - start > WINDOW:
        errors["end_date"] = [_("Khoảng thời gian tối đa 90 ngày.")]
    return start, end


def _positive(params, name, default, errors, *, most=None):
    value = argument(params, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1 or (most is not None and number > most):
        limit = _("từ 1 đến %(n)d") % {"n": most} if most else _("từ 1 trở lên")
        errors[name] = [_("Phải là số nguyên %(limit)s.") % {"limit": limit}]
        return default
    return number


def request_query(params, *, now) -> RequestQuery:
    """The filters of ``GET requests``; ``ValidationFailed`` with one error per bad argument.

    ``service_request_id`` overrides every other filter (they are then not even read); paging
    still applies.
    """
    errors = {}
    page = _positive(params, "page", 1, errors)
    page_size = _positive(params, "page_size", MAX_PAGE_SIZE, errors, most=MAX_PAGE_SIZE)
    ids = comma_list(argument(params, "service_request_id"))
    statuses, start, end = (), None, None
    if not ids:
        statuses = comma_list(argument(params, "status"))
        if any(status not in STATUSES for status in statuses):
            errors["status"] = [_("Chỉ nhận open hoặc closed.")]
        start, end = _window(*_dates(params, errors), now, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return RequestQuery(ids=ids, service_codes=comma_list(argument(params, "service_code")), statuses=statuses,
                        start=start, end=end, page=page, page_size=page_size)
