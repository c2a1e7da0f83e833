"""GET /api/v1/public/map/ and /ban-do/: where the public cases are, and nothing more.

What is shown: submissions whose sender consented to publish, whose case is open or answered, at
their public position (an anonymous sender's rounded exactly as on the public page); never a
name, phone, email, address or text of anyone; never more than 500 features however many cases.
"""
import json
import random
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.geo import MAX_FEATURES, Bounds, grid_for
from feedback.selectors import public_position, public_position_sql
from tests.factories import CategoryFactory, make_submission
from tests.workflow.builders import act
from workflow import services, signals
from workflow.actors import citizen_actor
from workflow.models import Case, Submission

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/map/"
NEAR = "106.070000,21.180000,106.090000,21.200000"  # a box of about 2 km around Kinh Bắc
CONTACT = {"contact_name": "Nguyễn Thị Lan", "contact_phone": "0912345678", "contact_email": "lan@example.vn",
           "address": "Số 12 Lý Thái Tổ"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def located(world, lat, lon, *, consent=True, **fields):
    fields.setdefault("category", world.category)
    return make_submission(latitude=f"{lat:.6f}", longitude=f"{lon:.6f}", publish_consent=consent, **{**CONTACT, **fields})


def get_map(client, **params):
    response = client.get(URL, {"bbox": NEAR, **params})
    assert response.status_code == 200, response.content
    return response.json()


def codes(body):
    return {f["properties"]["tracking_code"] for f in body["features"] if "tracking_code" in f["properties"]}


@pytest.fixture
def cases(world):
    """One of each kind a map must tell apart, each far enough from the others to stand alone."""
    reception = act(world.receptionist)
    made = {
        "open": located(world, 21.1810, 106.0710),
        "no_consent": located(world, 21.1830, 106.0730, consent=False),
        "no_position": make_submission(category=world.category, publish_consent=True, **CONTACT),
        "rejected": located(world, 21.1850, 106.0750),
        "withdrawn": located(world, 21.1870, 106.0770),
        "answered": located(world, 21.1890, 106.0790),
        "anonymous": located(world, 21.191549, 106.081451, anonymous=True, contact_name="", contact_phone="",
                             contact_email=""),
        "far_away": located(world, 21.2730, 106.1940),
    }
    services.case_reject(case=made["rejected"].case, actor=reception, reason_code="complaint", message="Sai kênh.")
    services.case_withdraw(case=made["withdrawn"].case, actor=citizen_actor(made["withdrawn"].case_id))
    answered = made["answered"].case
    services.case_route(case=answered, actor=reception, agency=world.department)
    services.case_accept(case=Case.objects.get(pk=answered.pk), actor=act(world.officer))
    services.case_answer(case=Case.objects.get(pk=answered.pk), actor=act(world.officer), answer="Đã sửa xong.")
    return made


def test_it_shows_consenting_open_and_answered_cases_with_a_position_and_nothing_else(client, world, cases):
    body = get_map(client)
    assert body["type"] == "FeatureCollection"
    wanted = {cases[name].tracking_code for name in ("open", "answered", "anonymous")}
    assert codes(body) == wanted
    assert body["total"] == 3


def test_duplicates_merged_into_one_case_are_one_point_and_one_entry(client, world, cases):
    """A point per case (the contract): the case is placed by its first consenting sender with a
    position; the home page and the map's list show it once too."""
    unplaced_first = make_submission(category=world.category, publish_consent=True, **CONTACT)
    survivor = unplaced_first.case
    for lat in (21.1950, 21.1952):
        duplicate = located(world, lat, 106.0850)
        services.case_merge(case=duplicate.case, actor=act(world.receptionist), into=survivor)
    cache.clear()
    body = get_map(client)
    placed_by = Submission.objects.filter(case=survivor, latitude__isnull=False).order_by("pk").first()
    assert body["total"] == 4 and placed_by.tracking_code in codes(body)
    assert not codes(body) & set(Submission.objects.filter(case=survivor).exclude(pk=placed_by.pk)
                                .values_list("tracking_code", flat=True))
    home = client.get("/").content.decode()
    assert home.count(unplaced_first.tracking_code) == home.count(cases["open"].tracking_code) > 0
    assert all(s.tracking_code not in home for s in Submission.objects.filter(case=survivor).exclude(pk=unplaced_first.pk))


def test_a_case_is_a_point_with_its_code_status_and_category_only(client, world, cases):
    body = get_map(client)
    by_code = {f["properties"]["tracking_code"]: f for f in body["features"]}
    feature = by_code[cases["answered"].tracking_code]
    assert feature["type"] == "Feature" and feature["geometry"] == {"type": "Point", "coordinates": [106.079, 21.189]}
    assert feature["properties"] == {"tracking_code": cases["answered"].tracking_code, "status": "answered",
                                     "category": world.category.code}
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("Nguyễn Thị Lan", "0912345678", "lan@example.vn", "Lý Thái Tổ", "Đèn đường", "Đã sửa xong"):
        assert secret not in text


def test_an_anonymous_senders_position_is_rounded_as_on_the_public_page(client, world, cases):
    code = cases["anonymous"].tracking_code
    feature = next(f for f in get_map(client)["features"] if f["properties"].get("tracking_code") == code)
    shown = client.get(f"/api/v1/feedback/{code}/").json()["location"]
    assert feature["geometry"]["coordinates"] == [shown["longitude"], shown["latitude"]] == [106.081, 21.192]


def test_the_rounding_is_the_same_in_the_database_and_in_python(world):
    """Ties (…500 micro-degrees) go up on both sides, also below zero; nothing else moves."""
    values = ["21.186500", "21.186499", "21.186501", "-0.000500", "-12.345500", "-12.345501", "0.000000",
              "89.999500", "106.081451", "-179.999500"]
    rows = []
    for n, value in enumerate(values):
        for anonymous in (True, False):
            rows.append(make_submission(category=world.category, latitude=value if abs(float(value)) <= 90 else "0",
                                        longitude=value, anonymous=anonymous, tracking_code=f"BN-ROUND-{n}-{int(anonymous)}"))
    in_sql = {s.pk: (s.public_lat, s.public_lon)
              for s in Submission.objects.filter(pk__in=[r.pk for r in rows]).annotate(**public_position_sql())}
    for row in rows:
        latitude, longitude = public_position(row)
        assert in_sql[row.pk] == (round(latitude * 1_000_000), round(longitude * 1_000_000)), row.latitude
    anonymous_tie = next(r for r in rows if r.tracking_code == "BN-ROUND-0-1")
    assert public_position(anonymous_tie) == (21.187, 21.187)
    assert public_position(next(r for r in rows if r.tracking_code == "BN-ROUND-3-1"))[1] == 0.0


def test_filters_narrow_by_category_state_group_period_and_box(client, world, cases):
    lighting = CategoryFactory(code="chieu-sang")
    lamp = located(world, 21.1815, 106.0715, category=lighting)
    assert codes(get_map(client, category="chieu-sang")) == {lamp.tracking_code}
    assert codes(get_map(client, status="answered")) == {cases["answered"].tracking_code}
    assert cases["answered"].tracking_code not in codes(get_map(client, status="open"))
    assert codes(get_map(client, bbox="106.190000,21.270000,106.200000,21.280000")) == {cases["far_away"].tracking_code}
    old = located(world, 21.1820, 106.0720, submitted_at=timezone.now() - timedelta(days=200))
    assert old.tracking_code not in codes(get_map(client))  # the default period: the last 90 days
    day = timezone.localdate(old.submitted_at).isoformat()
    assert codes(get_map(client, **{"from": day, "to": day})) == {old.tracking_code}


def test_dense_cases_become_clusters_that_add_up(client, world, cases):
    body = get_map(client, cells=16)
    assert len(body["features"]) <= 16
    assert sum(f["properties"].get("count", 1) for f in body["features"]) == body["total"] == 3
    clustered = get_map(client, bbox="105.000000,20.000000,108.000000,23.000000", cells=16)
    cluster = next(f for f in clustered["features"] if "count" in f["properties"])
    assert set(cluster["properties"]) == {"count", "answered", "bbox"}
    west, south, east, north = cluster["properties"]["bbox"]
    assert west <= cluster["geometry"]["coordinates"][0] <= east and south <= cluster["geometry"]["coordinates"][1] <= north


def test_never_more_than_500_features_however_many_cases(client, world):
    """600 consenting cases on distinct spots in one small box: the most a client may ask for is
    500 cells, and every case is still counted."""
    rng = random.Random(10)
    category = world.category
    now = timezone.now()
    cases = Case.objects.bulk_create(Case(kind="on_site", category=category, title="x", submitted_at=now)
                                     for _ in range(600))
    Submission.objects.bulk_create(
        Submission(tracking_code=f"BN-MANY-{n:04d}", private_key_hash="0" * 64, case=case, kind="on_site",
                   category=category, title="x", description="x", publish_consent=True, submitted_at=now,
                   latitude=f"{21.18 + rng.random() * 0.02:.6f}", longitude=f"{106.07 + rng.random() * 0.02:.6f}")
        for n, case in enumerate(cases))
    for cells in (500, None):
        body = get_map(client, **({"cells": cells} if cells else {}))
        assert len(body["features"]) <= (cells or 256)
        assert sum(f["properties"].get("count", 1) for f in body["features"]) == body["total"] == 600
    assert client.get(URL, {"cells": 501}).status_code == 400


@pytest.mark.parametrize("seed", range(40))
def test_a_grid_never_has_more_cells_than_asked(seed):
    rng = random.Random(seed)
    def degrees(value):  # positions and boxes have six decimals
        return round(value, 6)
    west, south = degrees(rng.uniform(-180, 170)), degrees(rng.uniform(-90, 80))
    box = Bounds(west, south, degrees(min(180, west + 10 ** rng.uniform(-5, 2.5))),
                 degrees(min(90, south + 10 ** rng.uniform(-5, 2))))
    for cells in (16, 42, 256, MAX_FEATURES):
        grid = grid_for(box, max_cells=cells)
        across = round((grid.bounds.max_lon - grid.bounds.min_lon) * 1e6) // grid.size
        down = round((grid.bounds.max_lat - grid.bounds.min_lat) * 1e6) // grid.size
        assert across * down <= cells
        assert grid.bounds.min_lon <= box.min_lon and grid.bounds.max_lon >= box.max_lon


@pytest.mark.parametrize("params, field", [
    ({"bbox": "1,2,3"}, "bbox"), ({"bbox": "106.1,21.1,106.0,21.2"}, "bbox"), ({"bbox": "106,21,200,22"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"), ({"status": "closed"}, "status"), ({"category": "khong-co"}, "category"),
    ({"from": "2026-05-01", "to": "2026-04-01"}, "to"), ({"from": "2026-02-30"}, "from"), ({"cells": "3"}, "cells"),
])
def test_bad_parameters_are_a_400_in_the_error_shape(client, world, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]


def test_the_map_answers_from_the_cache_until_a_case_changes(client, world, cases, django_capture_on_commit_callbacks):
    first = get_map(client)
    with CaptureQueriesContext(connection) as queries:
        assert get_map(client) == first
    assert len(queries) == 0
    # A row written behind the workflow's back is not seen until something changes…
    with signals.muted():
        quiet = located(world, 21.1990, 106.0890, tracking_code="BN-QUIET-0001")
    assert quiet.tracking_code not in codes(get_map(client))
    # …and a case opened through the workflow clears the cache at once.
    with django_capture_on_commit_callbacks(execute=True):
        fresh = located(world, 21.1960, 106.0860)
    now_shown = codes(get_map(client))
    assert {quiet.tracking_code, fresh.tracking_code} <= now_shown


def test_anyone_opens_the_map_page_and_its_list_without_signing_in(client, world, cases):
    response = client.get("/ban-do/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("open", "answered", "anonymous", "far_away"):
        assert cases[name].tracking_code in page
    for name in ("no_consent", "rejected", "withdrawn", "no_position"):
        assert cases[name].tracking_code not in page
    for secret in ("Nguyễn Thị Lan", "0912345678", "lan@example.vn", "Lý Thái Tổ"):
        assert secret not in page
    assert 'data-source="/api/v1/public/map/?from=' in page
    assert "style=" not in page and "<script>" not in page


def test_the_page_filters_its_list_and_narrows_it_to_a_place(client, world, cases):
    page = client.get("/ban-do/", {"status": "answered"}).content.decode()
    assert cases["answered"].tracking_code in page and cases["open"].tracking_code not in page
    place = client.get("/ban-do/", {"bbox": "106.190000,21.270000,106.200000,21.280000"}).content.decode()
    assert cases["far_away"].tracking_code in place and cases["open"].tracking_code not in place
    assert "trong vùng đã chọn" in place
    # A wrong filter is shown as an error and left out; the page still answers.
    wrong = client.get("/ban-do/", {"category": "khong-co", "period": "7"})
    assert wrong.status_code == 200 and cases["open"].tracking_code in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=100)):
        cache.clear()
        later = client.get("/ban-do/").content.decode()
        assert cases["open"].tracking_code not in later  # older than the default 3 months
        assert cases["open"].tracking_code in client.get("/ban-do/", {"period": "365"}).content.decode()
