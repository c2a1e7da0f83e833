"""GET /api/v1/public/stats/ and /thong-ke/: the province's figures for anyone, the dashboard's numbers.

The rule under test: every public figure is the supervisors' summary for the same scope (the
province: what a province supervisor sees; an agency: its subtree, as the summary's ``agency``
filter and as that agency's own supervisor sees it), for several periods, and nothing else leaves.
"""
import json

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.public import default_period
from tests.factories import PASSWORD, AgencyFactory
from tests.metrics.conftest import local
from workflow.working_time import working_day_hours

STATS = "/api/v1/public/stats/"
SUMMARY = "/api/v1/metrics/summary/"
PERIODS = [("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-04-30"), ("2026-03-02", "2026-03-02"),
           ("2026-04-01", "2026-04-30")]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def spread(world, march, steps):
    """March's cases (all at the department) plus cases at a team inside it and at another
    department, answered on time and late, rated, so agencies differ."""
    team = AgencyFactory(code="so-xd-doi", name_vi="Đội Quản lý hạ tầng", parent=world.department)
    for minute, (agency, answered) in enumerate([(team, "2026-03-11 10:00"), (team, "2026-03-25 10:00"),
                                                 (world.other, "2026-03-10 15:00"),
                                                 (world.other, "2026-03-27 11:00")]):
        submission = steps.submit(f"2026-03-09 08:{minute:02d}", device="mobile" if minute % 2 else "desktop")
        steps.route(submission, "2026-03-09 09:00", agency=agency)
        steps.accept(submission, "2026-03-09 09:30", actor=_officer_of(agency))
        steps.answer(submission, answered, actor=_officer_of(agency))
        if minute < 3:  # the last one is never rated
            steps.rate(submission, "2026-03-28 10:00", "acceptable" if minute == 0 else "satisfied")
    steps.submit("2026-03-12 10:00")  # still at reception: the province counts it, no agency does
    return team


def _officer_of(agency):
    from tests.factories import member
    from workflow.actors import staff_actor
    from workflow.models import Role

    return staff_actor(member(f"xuly-{agency.code}", agency, Role.OFFICER))


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def public_stats(client, period):
    with time_machine.travel(local("2026-05-05 09:00"), tick=False):
        response = client.get(STATS, {"from": period[0], "to": period[1]})
    assert response.status_code == 200
    return response.json()


def dashboard_summary(client, user, period, agency=None):
    params = {"from": period[0], "to": period[1], **({"agency": agency} if agency else {})}
    with time_machine.travel(local("2026-05-05 09:00"), tick=False):
        response = signed_in(client, user).get(SUMMARY, params)
    client.logout()
    assert response.status_code == 200
    return response.json()


def as_published(summary):
    """What the public row must say, read off the supervisors' summary."""
    median = summary["response_time"]["working_hours"]["median"]
    return {
        "received": summary["mobile_share"]["submissions"]["denominator"],
        "answered": summary["on_time"]["denominator"],
        "on_time_rate": summary["on_time"],
        "median_response_working_days": None if median is None else round(median / float(working_day_hours()), 2),
        "satisfaction": summary["satisfaction"],
        "mobile_handling_rate": summary["mobile_handling_rate"],
    }


def figures(row):
    return {key: value for key, value in row.items() if key not in ("code", "name")}


@pytest.mark.parametrize("period", PERIODS)
def test_the_province_row_is_the_province_supervisors_summary(client, world, spread, period):
    body = public_stats(client, period)
    assert body["province"]["code"] == "24" and body["province"]["name"] == "Bắc Ninh"
    assert figures(body["province"]) == as_published(dashboard_summary(client, world.province_supervisor, period))


@pytest.mark.parametrize("period", PERIODS)
def test_each_agency_row_is_the_summary_for_that_agency_and_its_subtree(client, world, spread, period):
    body = public_stats(client, period)
    rows = {row["code"]: row for row in body["agencies"]}
    assert set(rows) == {"ubnd-tinh", "ttpvhcc", "so-xd", "so-yt", "so-xd-doi"}
    for code, row in rows.items():
        assert figures(row) == as_published(dashboard_summary(client, world.province_supervisor, period, code)), code


def test_an_agency_row_is_what_that_agencys_own_supervisor_sees(client, world, spread):
    """The department's supervisor sees the department and its team: the same scope as its row."""
    period = PERIODS[0]
    row = next(r for r in public_stats(client, period)["agencies"] if r["code"] == "so-xd")
    assert figures(row) == as_published(dashboard_summary(client, world.supervisor, period))
    assert row["received"] > 0 and row["answered"] > 0


def test_the_figures_say_something(client, world, spread):
    """Not a table of zeros: the fixture's numbers, worked out by hand for the province in March."""
    province = public_stats(client, PERIODS[0])["province"]
    # March: the march fixture's 11 submissions in the month (A–H, J, L, M; I and K fall outside),
    # 4 at agencies, 1 still at reception.
    assert province["received"] == 11 + 4 + 1
    # Answered in March among those: A, B, G (merged H follows A, so is not a case of its own) + 4.
    assert province["answered"] == 3 + 4
    assert province["mobile_handling_rate"]["denominator"] > 0
    assert province["satisfaction"] == {"numerator": 4, "denominator": 4, "rate": 1.0}


def test_no_sign_in_is_needed_and_nothing_personal_leaves(client, world, spread):
    body = public_stats(client, PERIODS[0])
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("BN-TEST", "Đèn đường", "Đã sửa xong", "xuly", "tiepnhan", "giamsat"):
        assert secret not in text
    assert set(body) == {"period", "province", "agencies", "computed_at"}
    expected = {"code", "name", "received", "answered", "on_time_rate", "median_response_working_days",
                "satisfaction", "mobile_handling_rate"}
    assert all(set(row) == expected for row in [body["province"], *body["agencies"]])
    assert set(body["province"]["mobile_handling_rate"]) >= {"numerator", "denominator", "rate"}


def test_the_default_period_is_the_last_twelve_months(client, world):
    with time_machine.travel(local("2026-05-05 09:00"), tick=False):
        body = client.get(STATS).json()
    assert body["period"] == {"from": "2025-06-01", "to": "2026-05-05"}
    from datetime import date

    assert default_period(date(2026, 1, 31)) == (date(2025, 2, 1), date(2026, 1, 31))


@pytest.mark.parametrize("query, field", [({"from": "2026-13-01"}, "from"), ({"to": "hôm qua"}, "to"),
                                          ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
                                          ({"from": "1999-12-31"}, "from")])
def test_a_bad_period_is_a_400_in_the_error_shape(client, world, query, field):
    response = client.get(STATS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]


def test_the_figures_come_from_the_cache(client, world, spread):
    public_stats(client, PERIODS[0])
    with CaptureQueriesContext(connection) as queries:
        public_stats(client, PERIODS[0])
    assert len(queries) == 0
    assert client.get(STATS, {"from": PERIODS[0][0], "to": PERIODS[0][1]})["Cache-Control"] == "public, max-age=60"


def test_the_page_shows_the_province_the_agencies_and_the_trend(client, world, spread):
    with time_machine.travel(local("2026-05-05 09:00"), tick=False):
        response = client.get("/thong-ke/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    page = response.content.decode()
    body = public_stats(client, PERIODS[0])
    assert "Kỳ: 01/03/2026 – 31/03/2026" in page
    indicator = body["province"]["mobile_handling_rate"]
    assert f"{indicator['numerator']} / {indicator['denominator']} phản ánh gửi từ di động" in page
    assert "Sở Y tế" in page and "Đội Quản lý hạ tầng" in page
    assert '<svg viewBox="0 0 360 200" role="img"' in page
    assert "style=" not in page  # CSP: styles come from files only
    for secret in ("BN-TEST", "Đèn đường"):
        assert secret not in page


def test_the_page_keeps_a_bad_period_on_screen_and_shows_the_default(client, world):
    with time_machine.travel(local("2026-05-05 09:00"), tick=False):
        response = client.get("/thong-ke/", {"from": "2026-03-31", "to": "2026-03-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu." in page
    assert "Kỳ: 01/06/2025 – 05/05/2026" in page


def test_home_links_to_the_map_and_the_figures(client, world):
    page = client.get("/").content.decode()
    assert 'href="/ban-do/"' in page and 'href="/thong-ke/"' in page


@pytest.mark.parametrize("period", PERIODS[:2])
def test_with_the_stored_aggregates_built_the_public_rows_still_are_the_dashboards(client, world, spread, period):
    """The public scope reads the store exactly as a province supervisor does (metrics.store)."""
    from metrics import store
    from metrics.scope import MetricsFilter
    from workflow.actors import PUBLIC_ACTOR

    store.rebuild()
    assert store.stored_figures(filters=MetricsFilter(date_from=local("2026-03-01 00:00").date(),
                                                      date_to=local("2026-03-31 00:00").date()),
                                actor=PUBLIC_ACTOR, today=local("2026-05-05 09:00").date()) is not None
    body = public_stats(client, period)
    assert figures(body["province"]) == as_published(dashboard_summary(client, world.province_supervisor, period))
    for row in body["agencies"]:
        assert figures(row) == as_published(dashboard_summary(client, world.province_supervisor, period, row["code"]))
