"""Median and p90 in SQL: the window-function strategy, PostgreSQL's percentile_cont, and Python agree."""
import random
import statistics

import pytest
from django.db import connection

from metrics.percentiles import ORDERED_SET, WINDOW, distribution
from tests.factories import CategoryFactory
from workflow.models import Case
from workflow.services import case_open


def reference(values):
    """percentile_cont's definition, computed by Python's statistics module (inclusive method)."""
    values = sorted(values)
    if len(values) == 1:
        return {"median": float(values[0]), "p90": float(values[0]), "mean": float(values[0])}
    return {"median": statistics.median(values), "p90": statistics.quantiles(values, n=10, method="inclusive")[8],
            "mean": statistics.fmean(values)}


@pytest.fixture
def samples(db):
    """Cases in three categories with random durations (ties included); one category has one case."""
    rng = random.Random(20260301)
    sizes = {"many": 37, "two": 2, "one": 1}
    expected = {}
    for code, size in sizes.items():
        category = CategoryFactory(code=code)
        expected[code] = {"working": [], "calendar": []}
        for _ in range(size):
            case = case_open(kind="on_site", category=category, title="Mẫu")
            working, calendar = rng.choice([rng.randint(0, 200_000), 3600, 7200]), rng.randint(0, 900_000)
            Case.objects.filter(pk=case.pk).update(response_working_seconds=working,
                                                   response_calendar_seconds=calendar)
            expected[code]["working"].append(working)
            expected[code]["calendar"].append(calendar)
    return expected


COLUMNS = {"working": "response_working_seconds", "calendar": "response_calendar_seconds"}


def strategies():
    return [WINDOW, ORDERED_SET] if connection.vendor == "postgresql" else [WINDOW]


def assert_matches_reference(result, values):
    for column in COLUMNS:
        want = reference(values[column])
        got = result[column]
        assert got["median"] == pytest.approx(want["median"], rel=1e-12, abs=1e-9)
        assert got["p90"] == pytest.approx(want["p90"], rel=1e-12, abs=1e-9)
        assert got["mean"] == pytest.approx(want["mean"], rel=1e-12)


@pytest.mark.parametrize("strategy", [WINDOW, ORDERED_SET])
def test_percentiles_of_the_whole_set_match_the_python_reference(samples, strategy):
    if strategy not in strategies():
        pytest.skip("percentile_cont is PostgreSQL's")
    everything = {c: [v for code in samples for v in samples[code][c]] for c in COLUMNS}
    result = distribution(Case.objects.all(), COLUMNS, strategy=strategy)[None]
    assert result["rows"] == 40
    assert result["working"]["count"] == 40
    assert_matches_reference(result, everything)


@pytest.mark.parametrize("strategy", [WINDOW, ORDERED_SET])
def test_percentiles_per_group_match_the_python_reference(samples, strategy):
    if strategy not in strategies():
        pytest.skip("percentile_cont is PostgreSQL's")
    result = distribution(Case.objects.all(), COLUMNS, strategy=strategy, group_by="category__code")
    assert set(result) == {"many", "two", "one"}
    for code, values in samples.items():
        assert result[code]["rows"] == len(values["working"])
        assert_matches_reference(result[code], values)


@pytest.mark.postgres
def test_both_strategies_give_identical_percentiles_on_postgresql(samples):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    window = distribution(Case.objects.all(), COLUMNS, strategy=WINDOW, group_by="category__code")
    ordered = distribution(Case.objects.all(), COLUMNS, strategy=ORDERED_SET, group_by="category__code")
    for code in samples:
        for column in COLUMNS:
            assert window[code][column]["median"] == ordered[code][column]["median"]
            assert window[code][column]["p90"] == ordered[code][column]["p90"]


@pytest.mark.parametrize("strategy", [WINDOW, ORDERED_SET])
def test_null_values_are_left_out_of_their_column_and_counts_come_in_the_same_query(samples, strategy):
    if strategy not in strategies():
        pytest.skip("percentile_cont is PostgreSQL's")
    from django.db.models import F, IntegerField, Q, When
    from django.db.models import Case as CaseWhen

    # Working seconds only where they are below 50,000; calendar seconds everywhere.
    below = Q(response_working_seconds__lt=50_000)
    columns = {"working": CaseWhen(When(below, then=F("response_working_seconds")), output_field=IntegerField()),
               "calendar": "response_calendar_seconds"}
    result = distribution(Case.objects.all(), columns, strategy=strategy, counts={"below": below})[None]
    everything = [v for code in samples for v in samples[code]["working"]]
    kept = [v for v in everything if v < 50_000]
    assert result["rows"] == 40
    assert result["counts"] == {"below": len(kept)}
    assert result["working"]["count"] == len(kept)
    assert result["working"]["median"] == pytest.approx(reference(kept)["median"], rel=1e-12)
    assert result["working"]["p90"] == pytest.approx(reference(kept)["p90"], rel=1e-12)
    assert result["calendar"]["count"] == 40


def test_an_empty_set_has_no_groups(db):
    assert distribution(Case.objects.none(), COLUMNS, strategy=WINDOW) == {}
    assert distribution(Case.objects.filter(pk=-1), COLUMNS, strategy=WINDOW) == {}
