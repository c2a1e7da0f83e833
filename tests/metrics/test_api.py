"""GET /api/v1/metrics/summary/ and /breakdown/: who may call them, what they check, what they say."""
import pytest
import time_machine

from tests.factories import PASSWORD
from tests.metrics.conftest import local

SUMMARY = "/api/v1/metrics/summary/"
BREAKDOWN = "/api/v1/metrics/breakdown/"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_summary_requires_credentials(client, world):
    response = client.get(SUMMARY)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_summary_refuses_a_user_without_a_role(client, world):
    assert signed_in(client, world.nobody).get(SUMMARY).status_code == 403


def test_summary_accepts_a_token(client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.officer)
    response = client.get(SUMMARY, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_summary_gives_every_figure_for_the_period(client, world, march):
    response = signed_in(client, world.receptionist).get(SUMMARY, MARCH)
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert body["mobile_handling_rate"] == {"numerator": 4, "denominator": 9, "rate": 0.4444, "target": 0.9}
    assert set(body) == {"period", "mobile_handling_rate", "response_time", "intake_time", "on_time", "backlog",
                         "satisfaction", "mobile_share"}
    assert set(body["response_time"]) == {"working_hours", "calendar_hours", "count", "precision_hours"}
    assert set(body["mobile_share"]) == {"submissions", "staff_actions"}


def test_summary_is_scoped_to_the_callers_agencies(client, world, march):
    body = signed_in(client, world.supervisor).get(SUMMARY, MARCH).json()
    assert body["mobile_handling_rate"]["denominator"] == 4  # so-xd: A, H, B, F


def test_summary_defaults_to_this_month_so_far(client, world):
    with time_machine.travel(local("2026-03-15 10:00"), tick=False):
        body = signed_in(client, world.receptionist).get(SUMMARY).json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-15"}


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "31/03/2026"}, "to"),
    ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
    ({"agency": "khong-co"}, "agency"),
    ({"category": "khong-co"}, "category"),
    ({"ward": "0000"}, "ward"),
    ({"device": "phone"}, "device"),
    ({"channel": "fax"}, "channel"),
])
def test_summary_rejects_bad_filters_with_field_errors(client, world, params, field):
    response = signed_in(client, world.receptionist).get(SUMMARY, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_an_officer_cannot_ask_for_another_agency(client, world):
    response = signed_in(client, world.outsider).get(SUMMARY, {"agency": world.department.code})
    assert response.status_code == 400
    assert "agency" in response.json()["fields"]


def test_breakdown_requires_credentials_and_a_role(client, world):
    assert client.get(BREAKDOWN, {"by": "agency"}).status_code == 401
    assert signed_in(client, world.nobody).get(BREAKDOWN, {"by": "agency"}).status_code == 403


def test_breakdown_needs_a_known_grouping(client, world):
    response = signed_in(client, world.receptionist).get(BREAKDOWN, {"by": "color"})
    assert response.status_code == 400
    assert "by" in response.json()["fields"]


def test_breakdown_by_agency(client, world, march):
    """so-xd holds A (with H), B, F and G; the rest were never routed.

    so-xd: submissions A, B, F, G, H = 5; indicator A, H, B handled of A, H, B, F = 3/4;
           cases A, B, F, G = 4, answered A, B, G = 3, all on time.
    no agency: submissions C, D, E, M, L, J = 6; indicator C of C, E, M, L, J = 1/5;
           cases C, D, E, H, M, L, J = 7 (H and M were merged before any routing), none answered.
    """
    response = signed_in(client, world.receptionist).get(BREAKDOWN, {"by": "agency", **MARCH})
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()["rows"]}
    assert set(rows) == {"so-xd", None}
    department, unassigned = rows["so-xd"], rows[None]
    assert department["label"] == "Sở Xây dựng"
    assert (department["submissions"], department["cases"], department["answered"]) == (5, 4, 3)
    assert department["mobile_handling_rate"] == {"numerator": 3, "denominator": 4, "rate": 0.75}
    assert department["on_time"] == {"numerator": 3, "denominator": 3, "rate": 1.0}
    # All answered Tue 10:00: A (Mon 08:00) 3.5 + 3.5 + 2.5 = 9.5 h, B (08:05) 9.42 h, G (08:30) 9 h.
    assert department["median_response_working_hours"] == 9.42
    assert (unassigned["submissions"], unassigned["cases"], unassigned["answered"]) == (6, 7, 0)
    assert unassigned["mobile_handling_rate"] == {"numerator": 1, "denominator": 5, "rate": 0.2}


def test_breakdown_by_month_uses_local_months(client, world, march):
    response = signed_in(client, world.receptionist).get(
        BREAKDOWN, {"by": "month", "from": "2026-02-01", "to": "2026-04-30"})
    rows = response.json()["rows"]
    # I (28 Feb 23:59 local), the eleven of March, K (1 April 00:01 local).
    assert [(r["key"], r["label"], r["submissions"]) for r in rows] == \
        [("2026-02", "02/2026", 1), ("2026-03", "03/2026", 11), ("2026-04", "04/2026", 1)]
    assert rows[0]["mobile_handling_rate"] == {"numerator": 1, "denominator": 1, "rate": 1.0}


def test_breakdown_by_device(client, world, march):
    rows = {r["key"]: r for r in signed_in(client, world.receptionist).get(
        BREAKDOWN, {"by": "device", **MARCH}).json()["rows"]}
    assert rows["mobile"]["submissions"] == 10
    assert rows["desktop"]["submissions"] == 1
    assert rows["desktop"]["mobile_handling_rate"]["denominator"] == 0
    assert (rows["desktop"]["cases"], rows["desktop"]["answered"]) == (1, 1)
    assert rows["mobile"]["label"] == "Di động"
