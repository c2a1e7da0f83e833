"""The stored aggregates: equal to the live computation (counts exactly, medians and p90s within half
an hour), kept so by every change after commit, rebuilt and checked by ``metrics_rebuild``."""
import random
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from metrics import store
from metrics.models import DailyFigures, StoreStatus
from metrics.percentiles import HISTOGRAM_ERROR_HOURS, from_hour_histogram
from metrics.scope import MetricsFilter
from metrics.selectors import summary
from tests.metrics.conftest import local

MARCH = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31))
SPRING = MetricsFilter(date(2026, 2, 1), date(2026, 4, 30))
DURATIONS = ("response_time", "intake_time")


def live_summary(filters, actor):
    """The summary computed over the raw tables (as before the store is built)."""
    status = list(StoreStatus.objects.values_list("built_at", flat=True))
    StoreStatus.objects.all().delete()
    try:
        return summary(filters=filters, actor=actor)
    finally:
        StoreStatus.objects.bulk_create([StoreStatus(built_at=at) for at in status])


def assert_agrees(stored, live):
    """Every count, rate and mean equal; each median and p90 within the stated error."""
    assert {k: v for k, v in stored.items() if k not in DURATIONS} == {k: v for k, v in live.items() if k not in DURATIONS}
    for name in DURATIONS:
        assert stored[name]["count"] == live[name]["count"]
        assert stored[name]["precision_hours"] == HISTOGRAM_ERROR_HOURS and live[name]["precision_hours"] == 0
        for unit in ("working_hours", "calendar_hours"):
            assert stored[name][unit]["mean"] == live[name][unit]["mean"]
            for label in ("median", "p90"):
                a, b = stored[name][unit][label], live[name][unit][label]
                assert (a is None) == (b is None)
                if a is not None:
                    assert abs(a - b) <= HISTOGRAM_ERROR_HOURS + 0.01  # + the 2-decimal rounding


def every_viewer(actors):
    return [actors.reception, actors.supervisor, actors.province, actors.officer, actors.outsider]


def test_store_is_not_read_until_built(march, actors):
    assert not store.is_built()
    assert summary(filters=MARCH, actor=actors.reception)["response_time"]["precision_hours"] == 0.0


def test_rebuilt_store_agrees_with_the_live_computation_for_every_viewer(march, actors, world):
    expected = {(f, a): live_summary(f, a) for f in (MARCH, SPRING) for a in every_viewer(actors)}
    store.rebuild()
    for (filters, actor), live in expected.items():
        assert_agrees(summary(filters=filters, actor=actor), live)
    by_agency = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), agency=world.department)
    assert_agrees(summary(filters=by_agency, actor=actors.province), live_summary(by_agency, actors.province))


def test_changes_after_the_rebuild_keep_the_store_equal_to_the_raw_tables(
        march, steps, world, actors, django_capture_on_commit_callbacks):
    store.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        # More of every kind of change, each through the services (the bus announces them).
        late = steps.submit("2026-03-10 08:00")
        steps.handle(late, routed="2026-03-10 09:00", answered="2026-03-12 15:00")
        steps.rate(late, "2026-03-13 08:00", "dissatisfied")
        duplicate = steps.submit("2026-03-11 08:00", device="desktop")
        steps.merge(duplicate, march["F"], "2026-03-11 09:00")  # into a case an agency holds
        steps.route(steps.submit("2026-03-12 08:00"), "2026-03-12 09:00", agency=world.other)
        steps.withdraw(march["J"], "2026-04-02 08:00")
    assert store.differences(store.computed_rows(), store.stored_rows()) == []
    for actor in every_viewer(actors):
        assert_agrees(summary(filters=MARCH, actor=actor), live_summary(MARCH, actor))
    call_command("metrics_rebuild", "--check")


def test_today_is_read_live_from_the_raw_tables(world, steps, actors):
    with time_machine.travel(local("2026-03-05 12:00"), tick=False):
        store.rebuild()
        steps.handle(steps.submit("2026-03-05 08:00"), routed="2026-03-05 08:30", answered="2026-03-05 10:00")
        DailyFigures.objects.all().delete()  # today's rows gone: the figures still count today
        result = summary(filters=MARCH, actor=actors.reception)
    assert result["mobile_handling_rate"]["denominator"] == 1
    assert result["response_time"]["count"] == 1


def test_refreshing_twice_changes_nothing(march):
    store.rebuild()
    before = store.stored_rows()
    cases = {s.case_id for s in march.values()}
    store.refresh_cases(cases)
    store.refresh_cases(cases)
    assert store.stored_rows() == before


def test_a_missed_update_is_found_by_the_check_and_repaired_by_the_rebuild(march, steps):
    store.rebuild()
    row = DailyFigures.objects.filter(grain="d").first()
    DailyFigures.objects.filter(pk=row.pk).update(cases=row.cases + 1)
    with pytest.raises(CommandError, match="differ"):
        call_command("metrics_rebuild", "--check")
    call_command("metrics_rebuild")
    call_command("metrics_rebuild", "--check")


def test_a_later_change_on_the_same_day_repairs_a_missed_update(march, steps, django_capture_on_commit_callbacks):
    store.rebuild()
    DailyFigures.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        steps.route(march["E"], "2026-03-05 09:00")  # E and M were submitted on 2 March
    rows = store.stored_rows()
    key = ("d", date(2026, 3, 2), -1, "", 0)
    assert rows[key] == store.computed_rows()[key]


def test_filters_the_store_does_not_hold_are_computed_live(march, actors):
    store.rebuild()
    mobile = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), device="mobile")
    assert summary(filters=mobile, actor=actors.reception)["response_time"]["precision_hours"] == 0.0


def exact_percentile(values, fraction):
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


@pytest.mark.parametrize("seed", range(20))
def test_percentiles_from_hour_histograms_are_within_half_an_hour(seed):
    rng = random.Random(seed)
    values = [rng.choice([rng.randint(0, 7200), rng.randint(0, 500 * 3600)]) for _ in range(rng.randint(1, 400))]
    histogram = {}
    for value in values:
        histogram[value // 3600] = histogram.get(value // 3600, 0) + 1
    for fraction in (0.5, 0.9, 0.0, 1.0):
        estimate = from_hour_histogram(histogram, fraction)
        assert abs(estimate - exact_percentile(values, fraction)) <= HISTOGRAM_ERROR_HOURS * 3600


def test_dashboard_states_the_error_of_medians_read_from_the_store(client, march, world):
    from tests.factories import PASSWORD

    assert client.login(username=world.receptionist.username, password=PASSWORD)
    page = client.get("/dashboard/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "sai số tối đa" not in page  # computed from every value: exact
    store.rebuild()
    page = client.get("/dashboard/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "sai số tối đa ±0,5 giờ" in page
