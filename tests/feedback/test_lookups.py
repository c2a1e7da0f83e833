"""Public lookups: short codes that cannot be walked through, and one budget per address for the
public page, its API and the lookup form."""
import re

import pytest
from django.core.cache import cache

from feedback.selectors import submission_by_code, normal_tracking_code
from feedback.services import CODE_SUFFIX_ALPHABET, next_tracking_code
from tests.factories import make_submission

CODE = re.compile(r"BN-\d{4}-\d{4}-[%s]{2}" % CODE_SUFFIX_ALPHABET)


@pytest.fixture
def lookup_budget(settings):
    """Three lookups per address, counted from zero."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookups": "3/minute"}}
    cache.clear()
    yield
    cache.clear()


def test_a_new_code_is_short_with_two_random_characters_after_the_number(db):
    from django.utils import timezone

    codes = [next_tracking_code(timezone.now()) for _ in range(40)]
    assert all(CODE.fullmatch(code) and len(code) == 15 for code in codes)
    assert [int(code.split("-")[2]) for code in codes] == list(range(1, 41))
    assert len({code[-2:] for code in codes}) > 10  # the random part is not one fixed pair
    assert not set("01ILO") & set("".join(code[-2:] for code in codes))


def test_walking_the_running_numbers_finds_no_case(world, client):
    from django.utils import timezone

    made = [make_submission(category=world.category, tracking_code=next_tracking_code(timezone.now()))
            for _ in range(5)]
    for feedback in made:
        number_only = feedback.tracking_code[:12]  # BN-2611-0003: what an enumerator would try
        assert submission_by_code(number_only) is None
        assert client.get(f"/api/v1/feedback/{number_only}/").status_code == 404
        assert client.get(f"/api/v1/feedback/{feedback.tracking_code}/").status_code == 200


def test_codes_made_before_the_random_part_keep_working(world, client):
    old = make_submission(category=world.category, tracking_code="BN-2601-0042", publish_consent=True)
    assert client.get("/api/v1/feedback/BN-2601-0042/").json()["tracking_code"] == "BN-2601-0042"
    assert client.get("/phan-anh/BN-2601-0042/").status_code == 200
    assert client.get("/tra-cuu/", {"code": "bn 2601 0042"})["Location"] == "/phan-anh/BN-2601-0042/"
    assert submission_by_code("bn-2601-0042") == old


@pytest.mark.parametrize("typed", ["BN-2611-0042-K7", "bn 2611 0042 k7", "BN26110042K7", " bn-2611-0042-k7 ",
                                   "BN.2611.0042.K7", "bn_2611_0042_k7"])
def test_a_code_is_found_however_it_is_typed(typed):
    assert normal_tracking_code(typed) == "BN-2611-0042-K7"


def test_the_public_page_its_api_and_the_lookup_form_share_one_budget_per_address(world, client, lookup_budget):
    code = make_submission(category=world.category, tracking_code="BN-2611-0042-K7", publish_consent=True).tracking_code
    assert client.get(f"/phan-anh/{code}/").status_code == 200
    assert client.get(f"/api/v1/feedback/{code}/").status_code == 200
    assert client.get("/tra-cuu/", {"code": code}).status_code == 302
    page = client.get(f"/phan-anh/{code}/")
    api = client.get(f"/api/v1/feedback/{code}/")
    form = client.get("/tra-cuu/", {"code": "BN-2611-0043-K7"})
    assert (page.status_code, api.status_code, form.status_code) == (429, 429, 429)
    assert "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn" in page.content.decode()
    assert api.json()["code"] == "throttled" and set(api.json()) == {"message", "code", "fields"}
    other_address = client.get(f"/api/v1/feedback/{code}/", REMOTE_ADDR="198.51.100.9")
    assert other_address.status_code == 200


def test_guesses_count_against_the_budget_like_hits(world, client, lookup_budget):
    for number in range(3):
        assert client.get(f"/api/v1/feedback/BN-2611-{number:04d}-22/").status_code == 404
    assert client.get("/api/v1/feedback/BN-2611-0004-22/").status_code == 429


def test_searching_nearby_spends_its_own_budget_not_the_lookups(world, client, settings, lookup_budget):
    """Moving the form's pin is not guessing codes: the two public budgets are counted apart."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_reads": "2/minute"}}
    code = make_submission(category=world.category, tracking_code="BN-2611-0042-K7", publish_consent=True).tracking_code
    near = {"latitude": "21.1861", "longitude": "106.0763"}
    assert [client.get("/api/v1/feedback/nearby/", near).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get(f"/api/v1/feedback/{code}/").status_code for _ in range(4)] == [200, 200, 200, 429]
