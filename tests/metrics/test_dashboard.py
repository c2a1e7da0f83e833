"""The supervisors' dashboard at /dashboard/: access, the figures as shown, sorting, and its query count."""
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD
from tests.metrics.conftest import local

MARCH = "?from=2026-03-01&to=2026-03-31"


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_dashboard_sends_a_visitor_to_sign_in(client, world):
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 302
    assert "next=/dashboard/" in response["Location"]


def test_dashboard_refuses_a_user_without_a_role(client, world):
    assert signed_in(client, world.nobody).get("/dashboard/").status_code == 403


def test_dashboard_shows_the_indicator_against_its_target(client, world, march):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        response = signed_in(client, world.receptionist).get("/dashboard/" + MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    # 4 / 9 = 44,4% (Vietnamese decimal comma), below the 90% target.
    assert "44,4%" in page
    assert "4 / 9" in page
    assert "tile-main tile-bad" in page
    assert "Chưa đạt" in page
    assert "90%" in page
    assert "01/03/2026 – 31/03/2026" in page


def test_dashboard_lists_overdue_cases_with_links(client, world, march):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        page = signed_in(client, world.receptionist).get("/dashboard/" + MARCH).content.decode()
    # E, L and J wait for reception past their deadline; F was routed and never accepted.
    for name in "ELJF":
        assert f'href="/staff/cases/{march[name].case_id}/"' in page
    assert f'href="/staff/cases/{march["A"].case_id}/"' not in page


def test_supervisor_sees_only_their_agency(client, world, march):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        page = signed_in(client, world.supervisor).get("/dashboard/" + MARCH).content.decode()
    assert "75,0%" in page  # so-xd: 3 / 4
    assert "Chưa giao cơ quan" not in page


def test_trend_chart_is_svg_with_a_bar_per_month_and_a_data_table(client, world, march):
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        page = signed_in(client, world.receptionist).get("/dashboard/" + MARCH).content.decode()
    chart = page.index('aria-labelledby="trend-title')
    svg = page[page.rindex("<svg", 0, chart):page.index("</svg>", chart)]
    assert 'role="img"' in svg
    assert len(re.findall(r"<rect ", svg)) == 12  # April 2025 … March 2026
    assert "03/2026: 44,4% (4/9)" in svg
    assert "," not in re.search(r'<rect x="([^"]+)"', svg).group(1)  # coordinates stay unlocalised
    # Twelve "10/25"-wide labels do not fit under twelve bars on a phone: every other month is
    # labelled, the latest always (every month is named in its bar's title and in the table).
    labels = re.findall(r'class="chart-axis" text-anchor="middle">([^<]*)<', svg)
    assert labels == ["5/25", "7/25", "9/25", "11/25", "1/26", "3/26"]


def test_tables_sort_on_the_server(client, world, march):
    client = signed_in(client, world.receptionist)
    with time_machine.travel(local("2026-04-10 09:00"), tick=False):
        by_submissions = client.get("/dashboard/" + MARCH + "&sort=-submissions").content.decode()
        ascending = client.get("/dashboard/" + MARCH + "&sort=submissions").content.decode()
    agency_table = by_submissions[by_submissions.index("Theo cơ quan"):by_submissions.index("Theo lĩnh vực")]
    # Six submissions without an agency, five at the department: most first.
    assert agency_table.index("Chưa giao cơ quan") < agency_table.index("Sở Xây dựng")
    agency_table = ascending[ascending.index("Theo cơ quan"):ascending.index("Theo lĩnh vực")]
    assert agency_table.index("Sở Xây dựng") < agency_table.index("Chưa giao cơ quan")
    assert 'aria-sort="ascending"' in agency_table


def test_bad_filters_show_errors_and_the_default_period(client, world):
    with time_machine.travel(local("2026-03-15 10:00"), tick=False):
        response = signed_in(client, world.receptionist).get("/dashboard/?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu." in page
    assert "01/03/2026 – 15/03/2026" in page


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        with time_machine.travel(local("2026-04-10 09:00"), tick=False):
            assert client.get("/dashboard/" + MARCH).status_code == 200
    return len(queries)


# Session and user 2, memberships 1, filter choices 3 (agencies, categories, wards), summary 5,
# trend 1, each of the two tables 5 (submissions, cases with medians, overdue by the case's own column,
# the overdue groups' codes, names), overdue list 1,
# the notification bell's unread count 1, whether the stored aggregates are built 5 (the summary, the
# trend, the two tables, the hotspots: here they are not, so all is live), the map's ward hotspots 3
# (the ward table's queries; its names are read only when a case has a ward, and these have none).
# The map's cases come later, from /dashboard/map.geojson.
DASHBOARD_QUERIES = 32
DASHBOARD_QUERIES_STORED = 31


def test_dashboard_query_count_does_not_grow_with_the_cases(client, world, march, steps):
    client = signed_in(client, world.receptionist)
    client.get("/dashboard/" + MARCH)  # warm the working calendar's cache
    before = count_queries(client)
    for minute in range(10):
        extra = steps.submit(f"2026-03-20 08:{minute:02d}")
        steps.handle(extra, routed="2026-03-20 09:00", answered="2026-03-20 10:00")
        steps.submit(f"2026-03-21 08:{minute:02d}", device="desktop")
    after = count_queries(client)
    assert before == after == DASHBOARD_QUERIES


@pytest.mark.parametrize("sort", ["label", "-indicator", "on_time", "-median", "overdue", "nonsense"])
def test_every_sort_renders(client, world, march, sort):
    response = signed_in(client, world.receptionist).get("/dashboard/" + MARCH + f"&sort={sort}")
    assert response.status_code == 200


def test_numbers_are_written_the_vietnamese_way():
    from django.utils import translation

    from metrics.templatetags.metrics_format import count, decimal, percent

    with translation.override("vi"):
        assert percent(0.925) == "92,5%"
        assert percent(None) == "—"
        assert percent(0.9259) == "92,6%"
        assert count(1234567) == "1.234.567"
        assert decimal(1234.56) == "1.234,6"
    with translation.override("en"):
        assert percent(0.925) == "92.5%"


# With the store built (today outside the period): the summary's stored rows 2 (summed counters,
# histograms) instead of 4 of its live queries; the trend 2 instead of 1; each table (agency,
# category) its stored rows 2 (summed counters, histograms) and their codes 1 instead of its
# submissions and cases; the ward hotspots the same without the histograms (no median shown); the
# overdue groups' codes come with the stored groups' (one lookup per table).
def test_dashboard_query_count_with_the_store_built_does_not_grow_with_the_cases(client, world, march, steps):
    from metrics import store

    client = signed_in(client, world.receptionist)
    steps.submit("2026-03-19 08:00", ward=world.ward)  # a ward to name from the start
    store.rebuild()
    client.get("/dashboard/" + MARCH)
    before = count_queries(client)
    for minute in range(10):
        extra = steps.submit(f"2026-03-20 08:{minute:02d}", ward=world.ward)
        steps.handle(extra, routed="2026-03-20 09:00", answered="2026-03-20 10:00")
    store.rebuild()
    after = count_queries(client)
    assert before == after == DASHBOARD_QUERIES_STORED
