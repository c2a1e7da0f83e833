"""The trend and the breakdown tables read from the stored aggregates equal the live computation:
every count exact, each median within half an hour, for every viewer, whole and partial months,
today read live, and after changes made once the store was built."""
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from metrics import store
from metrics.breakdown import breakdown, indicator_trend
from metrics.models import MONTH, DailyFigures, StoreStatus
from metrics.percentiles import HISTOGRAM_ERROR_HOURS
from metrics.scope import MetricsFilter
from tests.factories import CategoryFactory, WardFactory
from tests.metrics.conftest import local
from workflow import services
from workflow.actors import staff_actor

SPRING = MetricsFilter(date(2026, 2, 1), date(2026, 4, 30))  # whole months: month rows
MIDDLE = MetricsFilter(date(2026, 2, 11), date(2026, 4, 8))  # cut months: day rows too
STORED_KEYS = ("agency", "category", "ward", "month")


def live(function):
    """``function()`` computed over the raw tables (as before the store is built)."""
    status = list(StoreStatus.objects.values_list("built_at", flat=True))
    StoreStatus.objects.all().delete()
    try:
        return function()
    finally:
        StoreStatus.objects.bulk_create([StoreStatus(built_at=at) for at in status])


def assert_rows_agree(stored, computed):
    """Same rows in the same order, every count and rate equal, each median within the stated error
    (and the stored rows say so)."""
    assert [row["key"] for row in stored] == [row["key"] for row in computed]
    for mine, exact in zip(stored, computed):
        assert mine["precision_hours"] == HISTOGRAM_ERROR_HOURS and exact["precision_hours"] == 0
        skip = ("median_response_working_hours", "precision_hours")
        assert {k: v for k, v in mine.items() if k not in skip} == {k: v for k, v in exact.items() if k not in skip}
        a, b = mine["median_response_working_hours"], exact["median_response_working_hours"]
        assert (a is None) == (b is None)
        if a is not None:
            assert abs(a - b) <= HISTOGRAM_ERROR_HOURS + 0.01  # + the 2-decimal rounding


def viewers(actors):
    return [actors.reception, actors.supervisor, actors.province, actors.officer, actors.outsider]


@pytest.fixture
def spread(march, steps, world):
    """Besides March: cases over February–April in a second category and two wards (and none),
    at both departments, answered, open, from a desktop."""
    roads = CategoryFactory(code="giao-thong", name_vi="Giao thông")
    second_ward = WardFactory(code="9002", name="Phường Suối Hoa")
    other_officer = staff_actor(steps.world.outsider)
    a = steps.submit("2026-02-10 08:00", category=roads, ward=world.ward)
    steps.handle(a, routed="2026-02-10 09:00", answered="2026-02-12 15:00")
    b = steps.submit("2026-03-15 10:00", category=roads, ward=second_ward)
    steps.handle(b, routed="2026-03-15 11:00", answered="2026-03-20 16:00", agency=world.other, officer=other_officer)
    c = steps.submit("2026-04-03 08:00", ward=second_ward, device="desktop")
    steps.route(c, "2026-04-03 09:00", agency=world.other)
    d = steps.submit("2026-04-08 08:00", category=roads, ward=world.ward)
    steps.handle(d, routed="2026-04-08 09:00", answered="2026-04-09 10:00")
    steps.submit("2026-04-08 20:00", category=roads, channel="hotline", device="unknown")
    return {"roads": roads, "ward": second_ward, "a": a, "b": b, "c": c, "d": d}


@pytest.mark.parametrize("by", STORED_KEYS)
def test_breakdown_from_the_store_agrees_with_the_live_computation(spread, actors, world, by):
    expected = {(f, a): live(lambda: breakdown(by=by, filters=f, actor=a)) for f in (SPRING, MIDDLE)
                for a in viewers(actors)}
    store.rebuild()
    for (filters, actor), rows in expected.items():
        assert_rows_agree(breakdown(by=by, filters=filters, actor=actor), rows)
    one_agency = MetricsFilter(SPRING.date_from, SPRING.date_to, agency=world.other)
    assert_rows_agree(breakdown(by=by, filters=one_agency, actor=actors.province),
                      live(lambda: breakdown(by=by, filters=one_agency, actor=actors.province)))


def test_the_rows_hold_every_group_of_the_data(spread, actors, world):
    store.rebuild()
    by_ward = {row["key"]: row for row in breakdown(by="ward", filters=SPRING, actor=actors.reception)}
    assert set(by_ward) == {world.ward.code, "9002", None}
    assert by_ward["9002"]["cases"] == 2 and by_ward["9002"]["overdue"] == 1  # c is past its deadline now
    by_category = {row["key"]: row["submissions"] for row in breakdown(by="category", filters=SPRING,
                                                                      actor=actors.reception)}
    assert by_category == {"ha-tang": 14, "giao-thong": 4}
    by_agency = {row["key"]: row["cases"] for row in breakdown(by="agency", filters=SPRING, actor=actors.reception)}
    assert by_agency[world.other.code] == 2


def test_breakdowns_the_store_does_not_hold_are_computed_live(spread, actors):
    store.rebuild()
    for by in ("week", "channel", "device"):
        rows = breakdown(by=by, filters=SPRING, actor=actors.reception)
        assert rows and all(row["precision_hours"] == 0 for row in rows)
    by_ward = MetricsFilter(SPRING.date_from, SPRING.date_to, ward=spread["ward"])
    rows = breakdown(by="category", filters=by_ward, actor=actors.reception)
    assert rows and all(row["precision_hours"] == 0 for row in rows)


def test_trend_from_the_store_agrees_with_the_live_computation(spread, actors):
    expected = {(f, a): live(lambda: indicator_trend(filters=f, actor=a)) for f in (SPRING, MIDDLE)
                for a in viewers(actors)}
    store.rebuild()
    for (filters, actor), trend in expected.items():
        assert indicator_trend(filters=filters, actor=actor) == trend
    march = next(row for row in expected[(SPRING, actors.reception)] if row["month"] == "2026-03")
    assert march["denominator"] > 0


def test_trend_and_tables_read_the_stored_rows(spread, actors):
    """Not the raw tables: a stored month row changed by hand shows."""
    store.rebuild()
    DailyFigures.objects.filter(grain=MONTH, day=date(2026, 3, 1), agency_key=-1, dimension="").update(
        indicator_denominator=1000)
    march = next(row for row in indicator_trend(filters=SPRING, actor=actors.reception) if row["month"] == "2026-03")
    assert march["denominator"] == 1000
    DailyFigures.objects.filter(grain=MONTH, day=date(2026, 3, 1), dimension="category").update(submissions=500)
    rows = breakdown(by="category", filters=SPRING, actor=actors.reception)
    assert all(row["submissions"] >= 500 for row in rows)


def test_today_is_read_live_in_the_trend_and_the_tables(spread, actors, steps, world):
    with time_machine.travel(local("2026-04-09 18:00"), tick=False):
        store.rebuild()
        late = steps.submit("2026-04-09 17:00", category=spread["roads"], ward=spread["ward"])
        steps.handle(late, routed="2026-04-09 17:10", answered="2026-04-09 17:30")
        DailyFigures.objects.filter(day=date(2026, 4, 9)).delete()  # today's rows gone: still counted
        for by in STORED_KEYS:
            assert_rows_agree(breakdown(by=by, filters=SPRING, actor=actors.reception),
                              live(lambda: breakdown(by=by, filters=SPRING, actor=actors.reception)))
        assert indicator_trend(filters=SPRING, actor=actors.reception) == \
            live(lambda: indicator_trend(filters=SPRING, actor=actors.reception))
        roads = next(row for row in breakdown(by="category", filters=SPRING, actor=actors.reception)
                     if row["key"] == "giao-thong")
        assert roads["cases"] == 5


def test_changes_after_the_rebuild_keep_the_members_equal_to_the_raw_tables(
        spread, steps, world, actors, django_capture_on_commit_callbacks):
    store.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = steps.submit("2026-03-21 08:00", category=spread["roads"], ward=spread["ward"])
        steps.handle(fresh, routed="2026-03-21 09:00", answered="2026-03-23 15:00")
        transfer = steps.case(spread["c"])
        with time_machine.travel(local("2026-04-04 09:00"), tick=False):
            services.case_transfer(case=transfer, actor=steps.reception,
                                   agency=world.department, reason="Không thuộc thẩm quyền.")
        steps.merge(steps.submit("2026-03-15 12:00", ward=spread["ward"]), spread["b"], "2026-03-15 13:00")
        steps.withdraw(spread["c"], "2026-04-05 08:00")
    assert store.differences(store.computed_rows(), store.stored_rows()) == []
    for by in STORED_KEYS:
        for actor in viewers(actors):
            assert_rows_agree(breakdown(by=by, filters=SPRING, actor=actor),
                              live(lambda: breakdown(by=by, filters=SPRING, actor=actor)))
    call_command("metrics_rebuild", "--check")


def test_a_member_row_out_of_step_is_found_by_the_check(spread):
    store.rebuild()
    row = DailyFigures.objects.filter(grain="d", dimension="ward").first()
    DailyFigures.objects.filter(pk=row.pk).update(cases=row.cases + 1)
    differing, _checked = store.check()
    assert differing == [(row.grain, row.day, row.agency_key, "ward", row.member)]


def test_without_medians_the_histograms_are_not_read_and_the_counts_are_the_same(spread, actors):
    store.rebuild()
    full = breakdown(by="ward", filters=SPRING, actor=actors.reception)
    bare = breakdown(by="ward", filters=SPRING, actor=actors.reception, medians=False)
    assert any(row["median_response_working_hours"] is not None for row in full)
    assert all(row["median_response_working_hours"] is None for row in bare)
    skip = ("median_response_working_hours",)
    assert [{k: v for k, v in row.items() if k not in skip} for row in bare] == \
        [{k: v for k, v in row.items() if k not in skip} for row in full]
