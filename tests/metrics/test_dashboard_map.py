"""The dashboard's map (/dashboard/map.geojson), its ward hotspots, and the inbox they lead to.

The map counts the dashboard's own cases (same filters, same scope) at their place, tells which
are overdue by the one rule, never cuts the box into more cells than asked, and every place it
points at (a ward, a cell) opens the inbox on exactly the cases it counted there.
"""
import pytest
import time_machine

from tests.factories import PASSWORD, AgencyFactory, WardFactory
from tests.metrics.conftest import local
from workflow.models import Case

MAP = "/dashboard/map.geojson"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
LATER = "2026-04-20 09:00"
NEAR = "106.070000,21.180000,106.090000,21.200000"  # a couple of km around Kinh Bắc  # every case routed in March and not answered is overdue by then


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def placed(world, steps):
    """Cases in two wards: answered and overdue at the department, one at another department."""
    west_ward = WardFactory(code="9101", name="Phường Vũ Ninh")
    made = {}
    spots = {"answered": (21.1861, 106.0763, world.ward), "overdue": (21.1890, 106.0800, world.ward),
             "overdue_far": (21.2730, 106.1940, west_ward), "other_agency": (21.1830, 106.0730, world.ward),
             "unplaced": (None, None, west_ward)}
    for minute, (name, (lat, lon, ward)) in enumerate(spots.items()):
        position = {"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"} if lat else {}
        made[name] = steps.submit(f"2026-03-02 08:{minute:02d}", ward=ward, **position)
    steps.handle(made["answered"], routed="2026-03-02 09:00", answered="2026-03-03 10:00")
    steps.route(made["overdue"], "2026-03-02 09:00")
    steps.route(made["overdue_far"], "2026-03-02 09:00")
    steps.route(made["other_agency"], "2026-03-02 09:00", agency=world.other)
    steps.route(made["unplaced"], "2026-03-02 09:00")
    return made


def case_map(client, **params):
    with time_machine.travel(local(LATER), tick=False):
        response = client.get(MAP, {**MARCH, **params})
    assert response.status_code == 200, response.content
    return response.json()


def singles(body):
    return {f["properties"]["case"]: f["properties"] for f in body["features"] if "case" in f["properties"]}


def test_the_map_shows_the_periods_cases_the_viewer_sees_with_their_state_and_overdue(client, world, placed):
    client = signed_in(client, world.province_supervisor)
    body = case_map(client)
    # The unplaced case has no place on a map; the other department's case is overdue too.
    assert body["total"] == 4 and body["overdue"] == 3
    cases = singles(case_map(client, bbox=NEAR, cells=500))
    assert cases[placed["answered"].case_id]["state"] == "answered"
    assert cases[placed["answered"].case_id]["overdue"] == 0
    assert cases[placed["overdue"].case_id]["overdue"] == 1
    assert cases[placed["overdue"].case_id]["title"] == "Đèn đường hỏng"


def test_a_supervisor_sees_only_the_cases_of_their_subtree(client, world, placed):
    client = signed_in(client, world.supervisor)
    assert case_map(client)["total"] == 3
    near = singles(case_map(client, bbox=NEAR, cells=500))
    assert set(near) == {placed["answered"].case_id, placed["overdue"].case_id}


def test_the_dashboards_filters_apply(client, world, placed):
    client = signed_in(client, world.province_supervisor)
    assert case_map(client, ward="9101", cells=500)["total"] == 1
    assert case_map(client, agency=world.other.code, cells=500)["total"] == 1
    assert case_map(client, **{"from": "2026-04-01", "to": "2026-04-30"})["total"] == 0


def test_close_cases_become_a_cluster_that_counts_its_overdue(client, world, placed):
    body = case_map(signed_in(client, world.province_supervisor), cells=16,
                    bbox="106.000000,21.100000,106.300000,21.350000")
    assert len(body["features"]) <= 16
    cluster = next(f["properties"] for f in body["features"] if f["properties"]["count"] > 1)
    assert cluster["count"] == 3 and cluster["overdue"] == 2 and cluster["answered"] == 1
    assert sum(f["properties"]["count"] for f in body["features"]) == 4


def test_every_cell_opens_the_inbox_on_the_cases_it_counted(client, world, placed):
    client = signed_in(client, world.province_supervisor)
    body = case_map(client, cells=16, bbox="105.000000,20.000000,108.000000,23.000000")
    for feature in body["features"]:
        cell = ",".join(f"{n:.6f}" for n in feature["properties"]["cell"])
        with time_machine.travel(local(LATER), tick=False):
            listed = client.get("/api/v1/cases/", {**MARCH, "bbox": cell}).json()
        assert listed["count"] == feature["properties"]["count"], cell


def test_the_ward_hotspots_link_to_the_inbox_filtered_to_the_ward_and_period(client, world, placed):
    client = signed_in(client, world.province_supervisor)
    with time_machine.travel(local(LATER), tick=False):
        page = client.get("/dashboard/", MARCH).content.decode()
        assert "Điểm nóng theo phường/xã" in page
        link = "/staff/?queue=all&amp;from=2026-03-01&amp;to=2026-03-31&amp;ward=9101"
        assert link in page
        inbox = client.get(link.replace("&amp;", "&")).content.decode()
    ward_cases = Case.objects.filter(ward__code="9101")
    assert ward_cases.count() == 2
    for case in ward_cases:
        assert f"/staff/cases/{case.pk}/" in inbox
    for case in Case.objects.exclude(ward__code="9101"):
        assert f"/staff/cases/{case.pk}/" not in inbox


def test_a_dashboard_filtered_by_an_agency_links_to_the_inbox_of_that_agency_and_its_units(client, world, placed,
                                                                                         steps):
    """The dashboard counts an agency with its whole subtree; its links keep the agency, and the
    inbox reads it the same way, so a unit's case is on both sides and another department's on neither."""
    unit = AgencyFactory(code="so-xd-phong-ht", name_vi="Phòng Hạ tầng", parent=world.department)
    in_unit = steps.submit("2026-03-02 08:30", ward=world.ward)
    steps.route(in_unit, "2026-03-02 09:00", agency=unit)
    client = signed_in(client, world.province_supervisor)
    with time_machine.travel(local(LATER), tick=False):
        page = client.get("/dashboard/", {**MARCH, "agency": world.department.code}).content.decode()
        link = "/staff/?queue=all&amp;from=2026-03-01&amp;to=2026-03-31&amp;agency=so-xd&amp;ward=9001"
        assert link in page
        inbox = client.get(link.replace("&amp;", "&")).content.decode()
    shown = {case.pk for case in Case.objects.all() if f"/staff/cases/{case.pk}/" in inbox}
    expected = set(Case.objects.filter(ward=world.ward, agency__in=[world.department, unit])
                   .values_list("pk", flat=True))
    assert in_unit.case_id in expected and placed["other_agency"].case_id not in expected
    assert shown == expected


def test_the_staff_api_filters_by_an_agency_with_its_units(client, world, placed, steps):
    unit = AgencyFactory(code="so-xd-phong-ht", name_vi="Phòng Hạ tầng", parent=world.department)
    steps.route(steps.submit("2026-03-02 08:30", ward=world.ward), "2026-03-02 09:00", agency=unit)
    client = signed_in(client, world.province_supervisor)
    assert client.get("/api/v1/cases/", {"agency": unit.code}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"agency": world.department.code}).json()["count"] == 5
    assert client.get("/api/v1/cases/", {"agency": world.other.code}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"agency": "khong-co"}).json()["count"] == 0


def test_the_map_needs_a_member_of_staff_and_checks_its_box(client, world, placed):
    assert client.get(MAP).status_code == 302
    assert signed_in(client, world.nobody).get(MAP).status_code == 403
    client.logout()
    client = signed_in(client, world.province_supervisor)
    bad = client.get(MAP, {"bbox": "106,21,105,22"})
    assert bad.status_code == 400 and "bbox" in bad.json()["fields"]
    assert client.get(MAP, {"from": "2026-03-31", "to": "2026-03-01"}).status_code == 400
    assert client.get(MAP, {"cells": "900"}).status_code == 400


def test_the_staff_api_lists_by_ward_place_and_period_too(client, world, placed):
    client = signed_in(client, world.province_supervisor)
    assert client.get("/api/v1/cases/", {"ward": "9101"}).json()["count"] == 2
    assert client.get("/api/v1/cases/", {"bbox": NEAR}).json()["count"] == 3
    assert client.get("/api/v1/cases/", {"from": "2026-03-03"}).json()["count"] == 0
    assert client.get("/api/v1/cases/", {"to": "2026-03-02"}).json()["count"] == 5
    bad = client.get("/api/v1/cases/", {"bbox": "1,2"})
    assert bad.status_code == 400 and "bbox" in bad.json()["fields"]
