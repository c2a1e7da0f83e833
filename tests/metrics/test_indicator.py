"""The mobile handling indicator and the mobile share, on hand-built cases with worked-out values."""
from datetime import date

import time_machine

from metrics.scope import MetricsFilter
from metrics.selectors import mobile_handling_rate, summary
from tests.metrics.conftest import local

MARCH = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31))


def test_indicator_counts_final_responses_over_mobile_submissions_not_withdrawn(march, actors):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        result = mobile_handling_rate(filters=MARCH, actor=actors.reception)
    assert result == {"numerator": 4, "denominator": 9, "rate": 0.4444, "target": 0.9}


def test_summary_reports_the_same_indicator_and_the_mobile_share(march, actors):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        result = summary(filters=MARCH, actor=actors.reception)
    assert result["mobile_handling_rate"] == {"numerator": 4, "denominator": 9, "rate": 0.4444, "target": 0.9}
    assert result["mobile_share"]["submissions"] == {"numerator": 10, "denominator": 11, "rate": 0.9091}


def test_merged_submission_counts_with_the_case_it_joined(march, actors):
    assert march["H"].__class__.objects.get(pk=march["H"].pk).case_id == march["A"].case_id
    one_day = MetricsFilter(date(2026, 3, 2), date(2026, 3, 2))
    # On 2 March: A, B, C, E, F, H, M (D withdrawn, G desktop) → handled A, B, C, H.
    assert mobile_handling_rate(filters=one_day, actor=actors.reception)["numerator"] == 4
    assert mobile_handling_rate(filters=one_day, actor=actors.reception)["denominator"] == 7


def test_period_starts_and_ends_at_midnight_in_vietnam(march, actors):
    # 28 Feb 23:59 local is 16:59 UTC: it belongs to February, whatever the UTC date says.
    february = MetricsFilter(date(2026, 2, 1), date(2026, 2, 28))
    april = MetricsFilter(date(2026, 4, 1), date(2026, 4, 30))
    first_day = MetricsFilter(date(2026, 3, 1), date(2026, 3, 1))
    last_day = MetricsFilter(date(2026, 3, 31), date(2026, 3, 31))
    assert mobile_handling_rate(filters=february, actor=actors.reception)["denominator"] == 1  # I
    assert mobile_handling_rate(filters=april, actor=actors.reception)["denominator"] == 1  # K
    assert mobile_handling_rate(filters=first_day, actor=actors.reception)["denominator"] == 1  # L
    assert mobile_handling_rate(filters=last_day, actor=actors.reception)["denominator"] == 1  # J


def test_device_and_channel_filters_narrow_the_submissions(march, actors):
    desktop = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), device="desktop")
    hotline = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), channel="hotline")
    # The indicator is about mobile submissions: a desktop filter leaves none.
    assert mobile_handling_rate(filters=desktop, actor=actors.reception) == \
        {"numerator": 0, "denominator": 0, "rate": None, "target": 0.9}
    assert summary(filters=desktop, actor=actors.reception)["mobile_share"]["submissions"]["denominator"] == 1
    assert mobile_handling_rate(filters=hotline, actor=actors.reception)["denominator"] == 0


def test_agency_supervisor_sees_only_their_subtree(march, actors, steps, world):
    other = steps.submit("2026-03-05 08:00")
    steps.route(other, "2026-03-05 09:00", agency=world.other)
    # so-xd holds A (with H), B, F, and G (desktop): mobile A, H, B, F → handled A, H, B.
    assert mobile_handling_rate(filters=MARCH, actor=actors.supervisor) == \
        {"numerator": 3, "denominator": 4, "rate": 0.75, "target": 0.9}
    # The officer of so-yt sees only the case routed there.
    assert mobile_handling_rate(filters=MARCH, actor=actors.outsider)["denominator"] == 1
    # The province supervisor sees everything, cases not yet routed included: 9 + the new one.
    assert mobile_handling_rate(filters=MARCH, actor=actors.province)["denominator"] == 10


def test_agency_filter_includes_the_subtree(march, actors, world):
    whole_province = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), agency=world.province)
    department = MetricsFilter(date(2026, 3, 1), date(2026, 3, 31), agency=world.department)
    # Under the root: every routed mobile submission (A, H, B, F); C and E were never routed.
    assert mobile_handling_rate(filters=whole_province, actor=actors.reception)["denominator"] == 4
    assert mobile_handling_rate(filters=department, actor=actors.reception)["denominator"] == 4
