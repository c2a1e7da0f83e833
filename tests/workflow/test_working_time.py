"""Working-time arithmetic (workflow/working_time.py).

Default office hours: 07:30–11:30 and 13:30–17:00 local time, 7.5 h = 27000 s a working day.
Expected values are worked out by hand in the comments; the country calendar is holidays 0.109.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.utils import timezone

from workflow.working_time import (
    LOCAL_TZ,
    OfficeHours,
    WorkingCalendar,
    get_calendar,
    invalidate_calendar_cache,
    parse_office_hours,
)

HOUR = 3600
DAY = 27000  # 7.5 working hours


def at(year, month, day, hour=0, minute=0):
    """An aware moment in Vietnamese local time."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def make_calendar(**kwargs):
    kwargs.setdefault("office_hours", parse_office_hours("07:30-11:30,13:30-17:00"))
    return WorkingCalendar(**kwargs)


@pytest.fixture
def cal():
    return make_calendar()


# --- office hours -------------------------------------------------------------------------


def test_default_office_hours_make_a_working_day_of_seven_and_a_half_hours(cal):
    assert cal.working_day_seconds == 27000


def test_office_hours_parse_in_any_order_and_with_spaces():
    hours = parse_office_hours(" 13:00-17:00 , 8:00-12:00 ")
    assert hours == OfficeHours(periods=((time(8), time(12)), (time(13), time(17))))
    assert hours.seconds_per_day == 8 * HOUR
    assert str(hours) == "08:00-12:00,13:00-17:00"


@pytest.mark.parametrize(
    "spec",
    [
        "",  # nothing
        "garbage",
        "07:30-11:30;13:30-17:00",  # wrong separator
        "07:30",  # no end
        "11:30-07:30",  # ends before it starts
        "07:30-07:30",  # empty period
        "07:30-11:30,11:00-17:00",  # overlap
        "07:30-25:00",  # no such hour
        "07:30-11:61",  # no such minute
        "07:30-11:30,",  # dangling comma
    ],
)
def test_bad_office_hours_are_refused(spec):
    with pytest.raises(ValueError):
        parse_office_hours(spec)


# --- adding working time ------------------------------------------------------------------


def test_eight_working_hours_from_friday_1600_end_monday_1630(cal):
    # Fri 2026-03-06 16:00–17:00 = 1 h (7 h left); Sat, Sun off;
    # Mon 03-09 07:30–11:30 = 4 h (3 h left); 13:30 + 3 h = 16:30. Not Tuesday.
    assert cal.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 9, 16, 30)


def test_lunch_break_does_not_count(cal):
    # 11:00–11:30 = 0.5 h, lunch, 13:30–14:00 = 0.5 h.
    assert cal.add_working_hours(at(2026, 3, 5, 11), 1) == at(2026, 3, 5, 14)


def test_work_ending_exactly_at_closing_time_ends_at_closing_time(cal):
    assert cal.add_working_hours(at(2026, 3, 5, 16), 1) == at(2026, 3, 5, 17)
    assert cal.add_working_seconds(at(2026, 3, 5, 11), 1800) == at(2026, 3, 5, 11, 30)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (at(2026, 3, 4, 20), at(2026, 3, 5, 8, 30)),  # Wed evening -> Thu 07:30 + 1 h
        (at(2026, 3, 5, 6), at(2026, 3, 5, 8, 30)),  # before opening -> 07:30 + 1 h
        (at(2026, 3, 5, 12), at(2026, 3, 5, 14, 30)),  # over lunch -> 13:30 + 1 h
        (at(2026, 3, 6, 20), at(2026, 3, 9, 8, 30)),  # Fri evening -> Mon 07:30 + 1 h
        (at(2026, 3, 7, 10), at(2026, 3, 9, 8, 30)),  # Saturday -> Mon 07:30 + 1 h
    ],
)
def test_submission_outside_office_hours_starts_at_next_opening(cal, submitted, due):
    assert cal.add_working_hours(submitted, 1) == due


def test_next_opening_is_the_moment_itself_inside_office_hours(cal):
    assert cal.next_opening(at(2026, 3, 5, 9, 15)) == at(2026, 3, 5, 9, 15)
    assert cal.next_opening(at(2026, 3, 5, 7, 30)) == at(2026, 3, 5, 7, 30)


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (at(2026, 3, 5, 6), at(2026, 3, 5, 7, 30)),
        (at(2026, 3, 5, 11, 30), at(2026, 3, 5, 13, 30)),  # closing time belongs to the break
        (at(2026, 3, 5, 17), at(2026, 3, 6, 7, 30)),
        (at(2026, 3, 6, 20), at(2026, 3, 9, 7, 30)),  # Friday night -> Monday
        (at(2026, 2, 13, 17), at(2026, 2, 23, 7, 30)),  # before Tết 2026 -> after it
    ],
)
def test_next_opening_outside_office_hours(cal, moment, opening):
    assert cal.next_opening(moment) == opening


def test_adding_zero_time_outside_office_hours_gives_next_opening(cal):
    assert cal.add_working_seconds(at(2026, 3, 6, 20), 0) == at(2026, 3, 9, 7, 30)


def test_five_working_days_from_friday_before_tet_2026_end_two_weeks_later(cal):
    # 5 days = 135000 s = 37.5 h. Fri 2026-02-13 15:00–17:00 = 2 h (35.5 left);
    # Sat 14, Sun 15; Tết Mon 16 – Fri 20; Sat 21, Sun 22 off.
    # Mon 23, Tue 24, Wed 25, Thu 26: 4 × 7.5 = 30 h (5.5 left); Fri 27: 4 h morning
    # (1.5 left), 13:30 + 1.5 h = 15:00. Without Tết it would be Fri 02-20 15:00.
    assert cal.add_working_days(at(2026, 2, 13, 15), 5) == at(2026, 2, 27, 15)


def test_tet_2026_is_monday_16_to_friday_20_february(cal):
    off = [date(2026, 2, 16) + timedelta(days=n) for n in range(5)]
    assert not any(cal.is_working_day(day) for day in off)
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))


def test_tet_2027_follows_the_holidays_package(cal):
    # holidays 0.109 for VN 2027: Thu 02-04 "29 Tết", Fri 02-05 New Year's Eve,
    # Sat 02-06 – Tue 02-09 days 1–4, Wed 02-10 day 5 (in lieu of the weekend days).
    tet = [date(2027, 2, 4) + timedelta(days=n) for n in range(7)]
    assert all(day in holidays.country_holidays("VN", years=2027) for day in tet)
    assert not any(cal.is_working_day(day) for day in tet)
    assert cal.is_working_day(date(2027, 2, 3))
    assert cal.is_working_day(date(2027, 2, 11))


def test_eight_working_hours_across_tet_2027(cal):
    # Wed 2027-02-03 16:00–17:00 = 1 h (7 left); Thu 02-04 – Wed 02-10 off;
    # Thu 02-11 07:30–11:30 = 4 h (3 left); 13:30 + 3 h = 16:30.
    assert cal.add_working_hours(at(2027, 2, 3, 16), 8) == at(2027, 2, 11, 16, 30)


def test_weekends_are_not_working_days(cal):
    assert not cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.is_working_day(date(2026, 3, 9))


def test_make_up_saturday_22_august_2026_is_a_working_day(cal):
    # holidays 0.109: "2026-08-31 Day off (substituted from 08/22/2026)"; the package lists
    # Saturday 2026-08-22 in weekend_workdays and is_working_day() says True.
    assert holidays.country_holidays("VN", years=2026).is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 29))  # an ordinary Saturday
    assert not cal.is_working_day(date(2026, 8, 31))  # the day given off in exchange


def test_make_up_saturday_counts_toward_the_deadline(cal):
    # Fri 2026-08-21 16:00–17:00 = 1 h (7 left); Sat 08-22 works: 4 h (3 left), 13:30 + 3 h.
    assert cal.add_working_hours(at(2026, 8, 21, 16), 8) == at(2026, 8, 22, 16, 30)


def test_national_day_2026_bridge_is_skipped(cal):
    # Fri 2026-08-28 16:00–17:00 = 1 h (7 left); Sat 29, Sun 30 weekend; Mon 31 (substituted),
    # Tue 09-01, Wed 09-02 National Day; Thu 09-03: 4 h + 3 h -> 16:30.
    assert cal.add_working_hours(at(2026, 8, 28, 16), 8) == at(2026, 9, 3, 16, 30)


def test_result_is_in_local_time_whatever_the_input_zone(cal):
    # 09:00 UTC = 16:00 in Hanoi on Fri 2026-03-06 -> Mon 16:30 local (see the 8-hour case).
    due = cal.add_working_hours(datetime(2026, 3, 6, 9, tzinfo=ZoneInfo("UTC")), 8)
    assert due == at(2026, 3, 9, 16, 30)
    assert due.tzinfo == LOCAL_TZ and due.hour == 16


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_hours(datetime(2026, 3, 6, 16), 1)
    with pytest.raises(ValueError):
        cal.working_seconds_between(datetime(2026, 3, 6, 16), at(2026, 3, 9))


def test_negative_working_time_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_seconds(at(2026, 3, 6, 16), -1)


def test_fifteen_working_days_for_a_complex_case(cal):
    # 15 days from Mon 2026-04-20 09:00 end at 09:00 on the 15th working day after it:
    # Tue 21 .. Fri 24 (4); Mon 27 off (Hùng Kings, observed); Tue 28, Wed 29 (6);
    # Thu 30, Fri 05-01 off; Mon 05-04 .. Fri 05-08 (11); Mon 11 .. Thu 14 (15).
    assert cal.add_working_days(at(2026, 4, 20, 9), 15) == at(2026, 5, 14, 9)


# --- administrator's days -----------------------------------------------------------------


def test_administrator_day_off_pushes_the_deadline(cal):
    calendar = make_calendar(days_off=[date(2026, 3, 9)])
    # As the Friday case, but Mon 03-09 is off: Tue 03-10 16:30.
    assert calendar.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 10, 16, 30)


def test_administrator_working_saturday_counts(cal):
    calendar = make_calendar(extra_working_days=[date(2026, 3, 7)])
    # Fri 1 h, Sat 03-07 works: 4 h + 3 h -> Sat 16:30.
    assert calendar.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 7, 16, 30)


def test_administrator_working_day_wins_over_a_public_holiday():
    calendar = make_calendar(extra_working_days=[date(2026, 4, 30)])
    assert calendar.is_working_day(date(2026, 4, 30))


def test_administrator_day_off_wins_over_a_make_up_saturday():
    calendar = make_calendar(days_off=[date(2026, 8, 22)])
    assert not calendar.is_working_day(date(2026, 8, 22))


def test_administrator_working_day_wins_over_administrator_day_off():
    calendar = make_calendar(days_off=[date(2026, 3, 7)], extra_working_days=[date(2026, 3, 7)])
    assert calendar.is_working_day(date(2026, 3, 7))


def test_without_country_holidays_only_weekends_are_off():
    calendar = make_calendar(country_holidays=False)
    assert calendar.is_working_day(date(2026, 2, 17))  # Tết, but the package is off
    assert not calendar.is_working_day(date(2026, 8, 22))  # no make-up Saturday either


# --- measuring working time ---------------------------------------------------------------


def test_working_time_across_a_weekend(cal):
    # Fri 2026-03-06 16:00–17:00 = 1 h; Mon 07:30–08:30 = 1 h.
    assert cal.working_seconds_between(at(2026, 3, 6, 16), at(2026, 3, 9, 8, 30)) == 2 * HOUR


def test_working_time_across_lunch(cal):
    # 11:00–11:30 and 13:30–14:00.
    assert cal.working_seconds_between(at(2026, 3, 5, 11), at(2026, 3, 5, 14)) == HOUR


def test_working_time_across_tet_2026(cal):
    # Fri 2026-02-13 15:00–17:00 = 2 h; nothing until Mon 02-23 07:30–09:30 = 2 h.
    assert cal.working_seconds_between(at(2026, 2, 13, 15), at(2026, 2, 23, 9, 30)) == 4 * HOUR


def test_working_time_over_the_year_2026_is_249_working_days(cal):
    # 2026 starts on a Thursday: 52 weeks + Thu 01-01 -> 261 weekdays. Weekday holidays:
    # 01-01; Tết 02-16..02-20 (5); 04-27 (Hùng Kings, observed from Sun 04-26); 04-30; 05-01;
    # 08-31 (substituted); 09-01; 09-02; 11-24 -> 13. Plus make-up Sat 08-22: 261 - 13 + 1 = 249.
    year = cal.working_seconds_between(at(2026, 1, 1), at(2027, 1, 1))
    assert year == 249 * DAY


def test_working_time_is_zero_when_end_is_not_after_start(cal):
    assert cal.working_seconds_between(at(2026, 3, 5, 10), at(2026, 3, 5, 10)) == 0
    assert cal.working_seconds_between(at(2026, 3, 5, 10), at(2026, 3, 5, 9)) == 0


def test_working_time_outside_office_hours_is_zero(cal):
    assert cal.working_seconds_between(at(2026, 3, 6, 17), at(2026, 3, 9, 7, 30)) == 0
    assert cal.working_seconds_between(at(2026, 2, 14), at(2026, 2, 23)) == 0


def _starts():
    """Every 37 minutes: three weeks around Tết 2026, two around the 2026 make-up Saturday."""
    for first, days in ((at(2026, 2, 9), 21), (at(2026, 8, 17), 14)):
        moment = first
        while moment < first + timedelta(days=days):
            yield moment
            moment += timedelta(minutes=37)


def test_measuring_is_the_inverse_of_adding(cal):
    amounts = [0, 1, 59, 1800, HOUR, 4 * HOUR, DAY - 1, DAY, DAY + 1, 5 * DAY]
    for start in _starts():
        for seconds in amounts:
            due = cal.add_working_seconds(start, seconds)
            assert cal.working_seconds_between(start, due) == seconds, (start, seconds)


def test_adding_the_measured_time_reaches_any_moment_inside_office_hours(cal):
    # Inside a period means open < end <= close: an end at an opening time is reached at the
    # previous closing time instead, which is the same amount of working time.
    start = at(2026, 2, 11, 10, 7)
    ends = [end for end in _starts() if end > start and _inside_office_hours(cal, end)]
    assert len(ends) > 100  # the sample really spans working days on both sides of Tết
    for end in ends:
        assert cal.add_working_seconds(start, cal.working_seconds_between(start, end)) == end


def _inside_office_hours(cal, moment):
    clock = moment.timetz().replace(tzinfo=None)
    periods = cal.office_hours.periods
    return cal.is_working_day(moment.date()) and any(o < clock <= c for o, c in periods)


def test_elapsed_time_is_measured_in_real_time_across_a_dst_change():
    # Berlin springs forward at 02:00 on Sunday 2026-03-29: 01:00–04:00 lasts 2 real hours.
    berlin = ZoneInfo("Europe/Berlin")
    calendar = make_calendar(
        office_hours=parse_office_hours("01:00-04:00"),
        extra_working_days=[date(2026, 3, 29)],
        tz=berlin,
        country_holidays=False,
    )
    day_start = datetime(2026, 3, 29, tzinfo=berlin)
    assert calendar.working_seconds_between(day_start, day_start + timedelta(days=1)) == 2 * HOUR
    due = calendar.add_working_seconds(day_start, 2 * HOUR)
    assert due == datetime(2026, 3, 29, 4, tzinfo=berlin)


# --- "now" --------------------------------------------------------------------------------


def test_deadline_from_now_on_friday_afternoon():
    calendar = make_calendar()
    with time_machine.travel(at(2026, 3, 6, 16), tick=False):
        assert calendar.add_working_hours(timezone.now(), 8) == at(2026, 3, 9, 16, 30)


def test_working_time_elapsed_until_now_skips_the_weekend():
    calendar = make_calendar()
    with time_machine.travel(at(2026, 3, 9, 8, 30), tick=False):
        # Fri 16:00–17:00 + Mon 07:30–08:30.
        assert calendar.working_seconds_between(at(2026, 3, 6, 16), timezone.now()) == 2 * HOUR


# --- the project's calendar ---------------------------------------------------------------


@pytest.fixture
def fresh_calendar_cache():
    # The built calendar outlives the test transaction; start and end each test without it.
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


@pytest.fixture
def calendar_day():
    from workflow.models import CalendarDay

    def create(day, kind, note=""):
        return CalendarDay.objects.create(date=day, kind=kind, note=note)

    return create


@pytest.mark.django_db
def test_project_calendar_uses_default_office_hours(fresh_calendar_cache):
    calendar = get_calendar()
    assert calendar.working_day_seconds == DAY
    assert calendar.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 9, 16, 30)


@pytest.mark.django_db
def test_project_calendar_follows_the_office_hours_setting(fresh_calendar_cache, settings):
    settings.PAKN_OFFICE_HOURS = "08:00-12:00"
    calendar = get_calendar()
    assert calendar.working_day_seconds == 4 * HOUR
    # Fri 2026-03-06 11:00–12:00 = 1 h; Mon 08:00 + 1 h.
    assert calendar.add_working_hours(at(2026, 3, 6, 11), 2) == at(2026, 3, 9, 9)


@pytest.mark.django_db
def test_project_calendar_refuses_bad_office_hours_setting(fresh_calendar_cache, settings):
    settings.PAKN_OFFICE_HOURS = "nine to five"
    with pytest.raises(ValueError):
        get_calendar()


@pytest.mark.django_db
def test_project_calendar_applies_administrator_days(fresh_calendar_cache, calendar_day):
    calendar_day(date(2026, 3, 9), "day_off", "Ngày nghỉ của tỉnh")
    calendar_day(date(2026, 3, 14), "working_day", "Làm bù")
    calendar = get_calendar()
    assert not calendar.is_working_day(date(2026, 3, 9))
    assert calendar.is_working_day(date(2026, 3, 14))
    # Fri 03-06 1 h; Mon 03-09 off; Tue 03-10 4 h + 3 h -> 16:30.
    assert calendar.add_working_hours(at(2026, 3, 6, 16), 8) == at(2026, 3, 10, 16, 30)


@pytest.mark.django_db
def test_project_calendar_is_built_once_and_reused(fresh_calendar_cache, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = get_calendar()
    with django_assert_num_queries(0):
        assert get_calendar() is first


@pytest.mark.django_db
def test_saving_a_calendar_day_refreshes_the_project_calendar(fresh_calendar_cache, calendar_day):
    assert get_calendar().is_working_day(date(2026, 3, 9))
    calendar_day(date(2026, 3, 9), "day_off")
    assert not get_calendar().is_working_day(date(2026, 3, 9))


@pytest.mark.django_db
def test_deleting_a_calendar_day_refreshes_the_project_calendar(fresh_calendar_cache, calendar_day):
    day = calendar_day(date(2026, 3, 7), "working_day")
    assert get_calendar().is_working_day(date(2026, 3, 7))
    day.delete()
    assert not get_calendar().is_working_day(date(2026, 3, 7))
