"""Working-time arithmetic: the one place that knows when a Vietnamese office is open.

Deadlines (SLA) are counted in working time, never in wall-clock time:

* a working day is Monday–Friday, minus public holidays (Tết included), plus the official
  make-up working Saturdays, all as the ``holidays`` package models them for Vietnam ("VN");
* the administrator's own ``CalendarDay`` rows override that: an extra working day beats
  everything, a day off beats the package;
* on a working day the clock runs only inside the office hours (default 07:30–11:30 and
  13:30–17:00 local time, 7.5 hours), so lunch, nights and days off do not count.

Everything here works on aware datetimes and does its calendar reasoning in local time
(Asia/Ho_Chi_Minh); durations are measured between instants, so the module would stay correct
in a zone with daylight saving time even though Vietnam has none.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from uuid import uuid4
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_OFFICE_HOURS = "07:30-11:30,13:30-17:00"


def day_start(day: date) -> datetime:
    """00:00 local time on ``day``, as an instant: a period "from day A to day B" (calendar days in
    Vietnam, both included) is ``day_start(A) <= moment < day_start(B + 1 day)``."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class LocalDays:
    """Calendar days in Vietnam from ``date_from`` to ``date_to``, both included: the instants
    ``start <= moment < end``. Filters by period extend it."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> datetime:
        return day_start(self.date_to + timedelta(days=1))

# CalendarDay.kind values (kept here as literals so this module imports without Django apps).
DAY_OFF = "day_off"
WORKING_DAY = "working_day"

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_PERIOD_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


# --- Office hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeHours:
    """The periods of a working day when the clock runs, in local wall-clock time.

    Periods are sorted, each ends after it starts, and none overlaps the next; touching periods
    ("07:30-11:30,11:30-17:00") are allowed and behave like one.
    """

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self):
        if not self.periods:
            raise ValueError("Office hours need at least one period.")
        for start, end in self.periods:
            if end <= start:
                raise ValueError(f"Office period {start:%H:%M}-{end:%H:%M} ends before it starts.")
        for (_, previous_end), (start, _) in zip(self.periods, self.periods[1:]):
            if start < previous_end:
                raise ValueError(f"Office periods overlap or are out of order at {start:%H:%M}.")

    @property
    def seconds_per_day(self) -> int:
        """Nominal length of a full working day in seconds (27000 for the default hours)."""
        return sum(_clock_seconds(end) - _clock_seconds(start) for start, end in self.periods)

    def __str__(self) -> str:
        return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.periods)


def parse_office_hours(spec: str) -> OfficeHours:
    """Parse "07:30-11:30,13:30-17:00" into OfficeHours.

    Periods may be given in any order; raises ValueError for garbage, an impossible time, a period
    that does not end after it starts, or overlapping periods.
    """
    items = [item.replace(" ", "") for item in (spec or "").split(",")]
    if not any(items):
        raise ValueError("Office hours are empty.")
    return OfficeHours(periods=tuple(sorted(_parse_period(item) for item in items)))


def _parse_period(item: str) -> tuple[time, time]:
    match = _PERIOD_RE.match(item)
    if not match:
        raise ValueError(f"Office period {item!r} is not of the form HH:MM-HH:MM.")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    return time(h1, m1), time(h2, m2)  # time() itself rejects 24:00, 12:60 and the like


def _clock_seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


# --- The country's calendar from the holidays package ---------------------------------------


@lru_cache(maxsize=None)
def _country_non_working_days(year: int) -> frozenset[date]:
    """Every date of *year* that the holidays package says is not worked in Vietnam.

    The package's own ``is_working_day`` is the rule: a weekend day is worked only if it is in
    ``weekend_workdays`` (the make-up Saturdays it derives from its substituted holidays, e.g.
    2026-08-22 worked in exchange for Monday 2026-08-31 off), any other day is worked unless it
    is a holiday. One set per year makes every later check a set lookup.
    """
    country = holidays.country_holidays("VN", years=year)
    days = (date(year, 1, 1) + timedelta(days=n) for n in range(366))
    return frozenset(day for day in days if day.year == year and not country.is_working_day(day))


# --- The calendar ---------------------------------------------------------------------------


MEASURES_KEPT = 20_000


class WorkingCalendar:
    """Answers "is this a working day" and adds or measures working time.

    All methods take aware datetimes and return datetimes in ``tz``. The clock runs only inside
    office hours on working days; a moment outside them waits for the next opening.
    """

    def __init__(
        self,
        *,
        office_hours: OfficeHours,
        days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        tz: tzinfo = LOCAL_TZ,
        country_holidays: bool = True,
    ):
        self.office_hours = office_hours
        self.days_off = frozenset(days_off)
        self.extra_working_days = frozenset(extra_working_days)
        self.tz = tz
        self.country_holidays = country_holidays
        # A calendar never changes (an edit builds a new one), so measures between two moments are
        # kept: a page of cases asks for the same gaps between its deadlines on every load.
        self._measured: dict[tuple[datetime, datetime], int] = {}

    @property
    def working_day_seconds(self) -> int:
        """Length of a full working day: what one "working day" of a deadline is worth."""
        return self.office_hours.seconds_per_day

    def is_working_day(self, day: date) -> bool:
        """Extra working days win over everything, then days off, then the country's calendar
        (holidays and make-up working days), and without it plain Monday–Friday."""
        if isinstance(day, datetime):
            day = self._local(day).date()
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        if self.country_holidays:
            return day not in _country_non_working_days(day.year)
        return day.weekday() < 5

    def next_opening(self, moment: datetime) -> datetime:
        """The first instant at or after *moment* when the clock runs.

        Inside office hours that is *moment* itself; at or after a closing time it is the next
        period's opening, on the next working day if need be.
        """
        moment = self._local(moment)
        day = moment.date()
        while True:
            for opens, closes in self._periods_on(day):
                if moment < closes:
                    return max(opens, moment)
            day += _ONE_DAY

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The moment when *seconds* of working time have run from *start*.

        A start outside office hours waits for the next opening. Work that ends exactly at a
        closing time ends there (17:00 stays 17:00 rather than becoming 07:30 next morning),
        so a deadline never jumps over the night it does not need.
        """
        remaining = _whole_seconds(seconds)
        cursor = self._local(start)
        day = cursor.date()
        while True:
            for opens, closes in self._periods_on(day):
                if closes <= cursor:
                    continue
                begin = max(opens, cursor)
                available = _elapsed(begin, closes)
                if remaining <= available:
                    return (begin.astimezone(UTC) + remaining).astimezone(self.tz)
                remaining -= available
            day += _ONE_DAY

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """*hours* of working time after *start* (rounded to the second)."""
        return self.add_working_seconds(start, round(hours * 3600))

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """*days* full working days after *start*: ``days * working_day_seconds`` of working
        time, so a case received Friday 15:00 with 5 days is due the 5th working day at 15:00."""
        return self.add_working_seconds(start, round(days * self.working_day_seconds))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working time elapsed from *start* to *end*, in whole seconds; 0 if end <= start.

        The inverse of ``add_working_seconds``: between(s, add(s, n)) == n.
        """
        key = (start, end)
        measured = self._measured.get(key)
        if measured is None:
            if len(self._measured) >= MEASURES_KEPT:
                self._measured.clear()
            measured = self._measured[key] = self._measure(start, end)
        return measured

    def _measure(self, start: datetime, end: datetime) -> int:
        start, end = self._local(start), self._local(end)
        if end <= start:
            return 0
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            for opens, closes in self._periods_on(day):
                total += max(timedelta(0), _elapsed(max(opens, start), min(closes, end)))
            day += _ONE_DAY
        return total // _ONE_SECOND

    def _periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office periods of *day* as aware local datetimes; none on a day off."""
        if not self.is_working_day(day):
            return []
        def at(clock: time) -> datetime:
            return datetime.combine(day, clock, tzinfo=self.tz)

        return [(at(opens), at(closes)) for opens, closes in self.office_hours.periods]

    def _local(self, moment: datetime) -> datetime:
        # A naive datetime has no defined instant; guessing its zone would shift deadlines by hours.
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Working-time arithmetic needs an aware datetime.")
        return moment.astimezone(self.tz)


def _elapsed(earlier: datetime, later: datetime) -> timedelta:
    # Subtracting two datetimes that share a tzinfo object compares wall clocks; going through
    # UTC measures real elapsed time, which is what a deadline counts.
    return later.astimezone(UTC) - earlier.astimezone(UTC)


def _whole_seconds(seconds: int) -> timedelta:
    if seconds < 0:
        raise ValueError("Working time to add must not be negative.")
    return timedelta(seconds=int(seconds))


# --- The project's calendar: settings + administrator's days, cached ------------------------

def office_hours() -> OfficeHours:
    """The office hours of ``PAKN_OFFICE_HOURS`` (parsed once per value)."""
    from django.conf import settings

    return _parsed_office_hours(getattr(settings, "PAKN_OFFICE_HOURS", DEFAULT_OFFICE_HOURS))


@lru_cache(maxsize=8)
def _parsed_office_hours(spec: str) -> OfficeHours:
    return parse_office_hours(spec)


def working_day_hours() -> Decimal:
    """What one working day of a deadline is worth, in hours (7.5 for the default office hours)."""
    return Decimal(office_hours().seconds_per_day) / 3600


_VERSION_KEY = "workflow:working-calendar:version"
_built: tuple[tuple[str, str], WorkingCalendar] | None = None


def get_calendar() -> WorkingCalendar:
    """The project's calendar: office hours from ``PAKN_OFFICE_HOURS`` and the administrator's
    ``CalendarDay`` rows on top of the country calendar.

    Built once per process and reused until ``invalidate_calendar_cache()`` bumps the shared
    version (kept in Django's cache so every worker sees it) or the office-hours setting changes.
    """
    global _built
    from django.conf import settings

    spec = getattr(settings, "PAKN_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    # Read the version before the rows: a change that lands in between bumps the version again,
    # so the calendar stored here can only be too old for a version that is already stale.
    key = (_calendar_version(), spec)
    if _built is not None and _built[0] == key:
        return _built[1]
    calendar = _build_calendar(spec)
    _built = (key, calendar)
    return calendar


def invalidate_calendar_cache() -> None:
    """Make every process rebuild its calendar; saving or deleting a ``CalendarDay`` calls this.

    Bumped at once so this transaction sees its own change, and again on commit because other
    processes may rebuild in between, from rows that do not show the change yet.
    Known limit: after a rollback this process keeps the rolled-back view until the next
    invalidation (tests should call this function around each test that writes CalendarDay).
    """
    from django.db import transaction

    _bump_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_version)


def _build_calendar(spec: str) -> WorkingCalendar:
    from workflow.models import CalendarDay

    office_hours = parse_office_hours(spec)  # a bad setting fails before any query
    rows = CalendarDay.objects.filter(kind__in=(DAY_OFF, WORKING_DAY)).values_list("date", "kind")
    days_off, extra_working_days = set(), set()
    for day, kind in rows:
        (extra_working_days if kind == WORKING_DAY else days_off).add(day)
    return WorkingCalendar(
        office_hours=office_hours,
        days_off=days_off,
        extra_working_days=extra_working_days,
    )


def _calendar_version() -> str:
    from django.core.cache import cache

    version = cache.get(_VERSION_KEY)
    if version is None:
        # add() rather than set(): another process may have just created it; take theirs.
        cache.add(_VERSION_KEY, uuid4().hex, timeout=None)
        # A cache that keeps nothing (DummyCache) yields a new version each time: no reuse,
        # but never a stale calendar.
        version = cache.get(_VERSION_KEY) or uuid4().hex
    return version


def _bump_version() -> None:
    global _built
    from django.core.cache import cache

    _built = None
    cache.set(_VERSION_KEY, uuid4().hex, timeout=None)
