"""A phone on a bad network resends: the same Idempotency-Key makes one case, never two."""
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, connections

from workflow.models import Submission, SubmissionPhoto
from feedback.services import feedback_submit
from tests.feedback import (
    jpeg, media_files, on_site_data, post_json, post_multipart, procedure_json, upload,
)
from workflow.models import Case

KEY = "a1b2c3d4-0000-4000-8000-phone-retry"


def test_a_resend_with_the_same_key_and_body_gets_the_first_answer(client, world, media):
    first = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY)
    second = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY)

    assert first.status_code == 201 and second.status_code == 200
    assert second.json() == first.json()
    assert Submission.objects.count() == 1 and Case.objects.count() == 1


def test_the_replayed_private_link_opens_the_submission(client, world, media):
    post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY)
    replay = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY).json()

    key = parse_qs(urlsplit(replay["private_url"]).query)["key"][0]
    assert Submission.objects.get().key_matches(key)
    assert KEY not in replay["private_url"]


def test_the_same_key_with_a_different_body_is_a_conflict(client, world, media):
    post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY)

    response = post_json(client, procedure_json(world, title="Một phản ánh khác"), HTTP_IDEMPOTENCY_KEY=KEY)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert "Idempotency-Key" in response.json()["message"]
    assert Submission.objects.count() == 1


def test_a_resend_with_the_same_photos_is_a_replay_and_other_photos_a_conflict(client, world, media):
    first = post_multipart(client, on_site_data(world, photos=[upload(jpeg((9, 9, 9)))]), HTTP_IDEMPOTENCY_KEY=KEY)
    same = post_multipart(client, on_site_data(world, photos=[upload(jpeg((9, 9, 9)))]), HTTP_IDEMPOTENCY_KEY=KEY)
    other = post_multipart(client, on_site_data(world, photos=[upload(jpeg((9, 9, 200)))]), HTTP_IDEMPOTENCY_KEY=KEY)

    assert (first.status_code, same.status_code, other.status_code) == (201, 200, 409)
    assert SubmissionPhoto.objects.count() == 1
    assert len(media_files(media)) == 2


def test_different_keys_make_different_cases(client, world, media):
    post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY)
    post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=KEY + "-2")
    assert Case.objects.count() == 2


@pytest.mark.parametrize("bad_key", ["short", "x" * 129, "có dấu tiếng việt", "key with spaces", "a/b/c/d/e/f"])
def test_a_malformed_key_is_refused(client, world, media, bad_key):
    response = post_json(client, procedure_json(world), HTTP_IDEMPOTENCY_KEY=bad_key.encode().decode("latin-1"))
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["fields"]
    assert Submission.objects.count() == 0


# --- copies racing each other ----------------------------------------------------------------------

def race(fields, copies, key=KEY, photos=()):
    """Submit ``copies`` identical requests at once from separate threads (own connections)."""
    barrier = threading.Barrier(copies)
    results, errors = [], []

    def one():
        try:
            barrier.wait()
            results.append(feedback_submit(fields=fields, photos=photos, channel="api", device_class="mobile",
                                           idempotency_key=key))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def procedure_fields(world):
    return {"kind": "procedure", "category": world.category, "title": "Hồ sơ chậm",
            "description": "Hồ sơ nộp một tháng chưa có kết quả.", "publish_consent": False}


def assert_one_case_for_all(results, copies):
    assert len(results) == copies
    assert Submission.objects.count() == 1 and Case.objects.count() == 1
    assert {r.submission.tracking_code for r in results} == {Submission.objects.get().tracking_code}
    assert {r.private_key for r in results} == {results[0].private_key}
    assert sorted(r.replayed for r in results) == [False] + [True] * (copies - 1)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_copies_make_one_case(world, media):
    results = race(procedure_fields(world), copies=4, photos=[jpeg()])
    assert_one_case_for_all(results, 4)
    assert SubmissionPhoto.objects.count() == 1 and len(media_files(media)) == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_without_a_key_get_distinct_codes(world, media):
    fields = procedure_fields(world)
    results = []
    for _ in range(2):
        results += race(fields, copies=3, key=None)
    codes = [r.submission.tracking_code for r in results]
    assert len(set(codes)) == 6 and sorted(int(c[-4:]) for c in codes) == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_copies_make_one_case_on_postgresql(world, media):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    results = race(procedure_fields(world), copies=8)
    assert_one_case_for_all(results, 8)
