"""GET /api/v1/feedback/nearby/: similar public cases near a point, before one files again."""
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.geo import box_around, distance_m
from feedback.selectors import nearby_public_cases
from tests.factories import CategoryFactory, make_submission
from workflow.actors import citizen_actor, staff_actor
from workflow.services import case_merge, case_withdraw

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/nearby/"
HERE = (21.186100, 106.076300)
METRE_LAT = 1 / 111_195  # one metre north, in degrees


def north(metres):
    return f"{HERE[0] + metres * METRE_LAT:.6f}"


def public(world, metres, **fields):
    fields.setdefault("category", world.category)
    return make_submission(latitude=north(metres), longitude=f"{HERE[1]:.6f}", publish_consent=True, **fields)


def ask(client, **params):
    query = {"latitude": HERE[0], "longitude": HERE[1], **params}
    return client.get(URL, query)


def codes(response):
    return [row["tracking_code"] for row in response.json()]


def test_it_lists_public_cases_within_300_m_nearest_first_with_the_contract_fields(client, world):
    far = public(world, 250, title="Cách 250 m")
    near = public(world, 40, title="Cách 40 m")
    public(world, 320, title="Cách 320 m")
    response = ask(client)
    assert response.status_code == 200
    assert codes(response) == [near.tracking_code, far.tracking_code]
    first = response.json()[0]
    assert set(first) == {"tracking_code", "title", "status", "distance_m"}
    assert (first["title"], first["status"]) == ("Cách 40 m", "submitted")
    assert first["distance_m"] == 40


def test_it_leaves_out_what_is_not_public_merged_withdrawn_or_older_than_60_days(client, world):
    shown = public(world, 10)
    make_submission(category=world.category, latitude=north(10), longitude=f"{HERE[1]:.6f}")  # no consent
    withdrawn = public(world, 10)
    case_withdraw(case=withdrawn.case, actor=citizen_actor(withdrawn.case_id))
    merged = public(world, 10)
    case_merge(case=merged.case, actor=staff_actor(world.receptionist), into=shown.case)
    with time_machine.travel(timezone.now() - timedelta(days=61), tick=False):
        public(world, 10)
    # Merging re-points a duplicate's submission to the surviving case, and the case is one thing
    # to the citizen: it is listed once (by its nearest report; here both are 10 m away and the
    # newer stands first); a case left in the "merged" state has no submission of its own any more.
    listed = codes(ask(client))
    assert len(listed) == 1 and listed[0] in (shown.tracking_code, merged.tracking_code)


def test_the_category_narrows_the_list(client, world):
    lighting = CategoryFactory(code="chieu-sang")
    lamp = public(world, 10, category=lighting)
    public(world, 10)
    assert codes(ask(client, category="chieu-sang")) == [lamp.tracking_code]
    assert codes(ask(client, category="khong-co")) == []


def test_at_most_ten_nearest_first(client, world):
    made = [public(world, metres) for metres in range(120, 0, -10)]
    response = ask(client)
    assert len(response.json()) == 10
    assert [row["distance_m"] for row in response.json()] == list(range(10, 110, 10))
    assert codes(response) == [f.tracking_code for f in reversed(made)][:10]


def test_an_anonymous_submitters_position_is_measured_as_the_public_page_shows_it(client, world):
    # Stored 12 m north of the point; publicly rounded to 3 decimals (21.186): 11 m south of it.
    anonymous = make_submission(category=world.category, latitude="21.186208", longitude="106.076300",
                              publish_consent=True, anonymous=True)
    row = ask(client).json()[0]
    assert row["tracking_code"] == anonymous.tracking_code
    assert row["distance_m"] == round(distance_m(*HERE, 21.186, 106.076))
    assert row["distance_m"] != round(distance_m(*HERE, 21.186208, 106.0763))


def test_bad_coordinates_are_a_400_naming_the_field(client, world):
    response = client.get(URL, {"latitude": "abc", "longitude": "106"})
    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "fields"}
    assert "latitude" in response.json()["fields"]
    assert client.get(URL, {"latitude": "21"}).json()["fields"].keys() == {"longitude"}
    assert client.get(URL, {"latitude": "91", "longitude": "106"}).status_code == 400


def test_it_is_throttled_like_other_public_reads(client, world, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_reads": "2/minute"}}
    assert [ask(client).status_code for _ in range(3)] == [200, 200, 429]
    assert ask(client).json()["code"] == "throttled"
    cache.clear()


def test_the_box_prefilter_never_drops_a_case_in_range(world):
    """The SQL box is wider than the circle, also for rounded positions and far from the equator."""
    for latitude in (21.18, 60.0, -45.0):
        box = box_around(latitude, 106.0, 300)
        assert distance_m(latitude, 106.0, box.max_lat, 106.0) >= 299.9
        assert distance_m(latitude, 106.0, latitude, box.max_lon) >= 299.9


def test_the_selector_answers_the_same_from_python(world):
    near = public(world, 15)
    rows = nearby_public_cases(latitude=HERE[0], longitude=HERE[1])
    assert [row["tracking_code"] for row in rows] == [near.tracking_code]
