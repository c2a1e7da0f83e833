"""Photos are served as PRODUCT.md says: public ones to anyone; a submission's photos without publish
consent, and an answer's photos before the answer is out, only to staff who may see the case and to
the submitter through their private page; 404 to anyone else, as if the file did not exist."""
import json
import io
import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from core.auth import token_for
from core.images import process_image
from core.photo_files import store_image_files
from workflow.models import SubmissionPhoto
from tests.factories import make_submission
from tests.workflow.builders import case_in
from workflow import services
from workflow.actors import staff_actor
from workflow.models import State


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 200)).save(buffer, "JPEG")
    return process_image(buffer.getvalue())


def with_photo(submission):
    photo = SubmissionPhoto(submission=submission, width=640, height=480, source_format="JPEG")
    store_image_files(photo, jpeg(), written=[])
    photo.save()
    return photo


@pytest.fixture
def private(world, media):
    """A submission without publish consent, routed to the department, with one photo."""
    submission = make_submission(category=world.category, publish_consent=False, key="the-private-key")
    services.case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)
    return with_photo(submission)


@pytest.fixture
def public(world, media):
    return with_photo(make_submission(category=world.category, publish_consent=True))


def url(name):
    return f"/media/{name}"


def fetch(client, path, **extra):
    response = client.get(path, **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, response


def test_a_consented_photo_is_public_and_cacheable(client, public):
    status, body, response = fetch(client, url(public.image.name))
    assert status == 200 and body.startswith(b"\xff\xd8\xff")
    assert response["Cache-Control"] == "public, max-age=3600"
    assert fetch(client, url(public.thumbnail.name))[0] == 200


def test_a_private_photo_is_404_to_a_stranger_whatever_its_name_reveals(client, private):
    for name in (private.image.name, private.thumbnail.name):
        status, body, response = fetch(client, url(name))
        assert (status, body) == (404, b"")
        assert "no-store" in response["Cache-Control"]
    public_page = client.get(f"/phan-anh/{private.submission.tracking_code}/").content.decode()
    assert private.image.name not in public_page and private.thumbnail.name not in public_page


@pytest.mark.parametrize("who", ["outsider", "nobody"])
def test_a_private_photo_is_404_to_staff_who_may_not_see_the_case(client, world, private, who):
    client.force_login(getattr(world, who))
    assert fetch(client, url(private.image.name))[0] == 404


@pytest.mark.parametrize("who", ["officer", "supervisor", "receptionist", "province_supervisor"])
def test_staff_who_may_see_the_case_get_its_private_photo(client, world, private, who):
    client.force_login(getattr(world, who))
    status, body, response = fetch(client, url(private.image.name))
    assert status == 200 and body.startswith(b"\xff\xd8\xff")
    assert response["Cache-Control"] == "private, max-age=600"


def test_the_staff_api_hands_out_signed_links_only_to_who_may_see_the_case(world, private):
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(world.officer).key}")
    detail = api.get(f"/api/v1/cases/{private.submission.case_id}/").json()
    path = detail["submissions"][0]["photos"][0]["url"].replace("http://testserver", "")
    assert "?t=" in path  # signed like a bucket's link, so an <img> or a plain download opens it
    assert fetch(APIClient(), path)[0] == 200
    outsider = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(world.outsider).key}")
    assert outsider.get(f"/api/v1/cases/{private.submission.case_id}/").status_code == 404
    assert fetch(outsider, path.split("?")[0])[0] == 404  # the file's address alone opens nothing
    assert fetch(api, path.split("?")[0])[0] == 200  # staff who may see the case need no link


def _private_page_image_urls(client, submission, key="the-private-key"):
    page = client.get(f"/theo-doi/{submission.tracking_code}/?key={key}").content.decode()
    return [unescape(src) for src in re.findall(r'<img src="([^"]+)"', page)]


def test_the_submitter_sees_their_private_photo_through_their_page_without_the_key_in_its_url(client, private):
    (thumbnail_url,) = _private_page_image_urls(client, private.submission)
    assert thumbnail_url.startswith(url(private.thumbnail.name) + "?t=")
    assert "the-private-key" not in thumbnail_url
    assert fetch(client.__class__(), thumbnail_url)[0] == 200  # a fresh browser: the link alone opens it


def test_the_submitters_link_expires(client, private, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        (thumbnail_url,) = _private_page_image_urls(client, private.submission)
    with time_machine.travel(start + timedelta(seconds=settings.PAKN_PHOTO_URL_SECONDS - 5), tick=False):
        assert fetch(client, thumbnail_url)[0] == 200
    with time_machine.travel(start + timedelta(seconds=settings.PAKN_PHOTO_URL_SECONDS + 5), tick=False):
        assert fetch(client, thumbnail_url)[0] == 404


def test_a_link_opens_only_the_file_it_was_made_for(client, private, world, media):
    other = with_photo(make_submission(category=world.category, publish_consent=False))
    (thumbnail_url,) = _private_page_image_urls(client, private.submission)
    token = thumbnail_url.split("?t=")[1]
    assert fetch(client, f"{url(other.thumbnail.name)}?t={token}")[0] == 404
    assert fetch(client, f"{url(private.thumbnail.name)}?t={token[:-2]}xx")[0] == 404


def test_an_answers_photos_are_private_until_the_answer_is_published(client, world, media):
    case = case_in(world, State.IN_PROGRESS, publish_consent=True)
    world.department.requires_approval = True
    world.department.save()
    case = services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã sửa.", photos=[jpeg()])
    photo = case.result_photos.get()
    assert case.state == State.PENDING_APPROVAL
    assert fetch(client, url(photo.image.name))[0] == 404
    client.force_login(world.supervisor)
    assert fetch(client, url(photo.image.name))[0] == 200
    services.case_approve(case=case, actor=staff_actor(world.supervisor))
    client.logout()
    assert fetch(client, url(photo.image.name))[0] == 200


def test_a_published_answers_photos_stay_private_when_no_sender_consented_to_publish(client, world, media):
    """A photo of the result shows the place, which a sender who did not consent keeps from the
    public: the public page shows the answer's words and no photo; the file is 404 to strangers."""
    case = case_in(world, State.IN_PROGRESS)  # its sender did not consent
    case = services.case_answer(case=case, actor=staff_actor(world.officer), answer="Đã sửa.", photos=[jpeg()])
    photo = case.result_photos.get()
    assert case.state == State.ANSWERED
    assert fetch(client, url(photo.image.name))[0] == 404
    public = client.get(f"/api/v1/feedback/{case.submissions.get().tracking_code}/").json()
    assert public["answer"]["text"] == "Đã sửa." and photo.image.name not in json.dumps(public)
    # A sender who consents joins by a merge: from then on the photos are public.
    consenting = case_in(world, State.SUBMITTED, publish_consent=True)
    services.case_merge(case=consenting, actor=staff_actor(world.receptionist), into=case)
    assert fetch(client, url(photo.image.name))[0] == 200


@pytest.mark.parametrize("path", ["photos/2026/01/nothing.jpg", "../config/settings.py", "photos/../../db.sqlite3"])
def test_anything_else_under_media_is_404(client, db, media, path):
    assert fetch(client, url(path))[0] == 404


def test_behind_nginx_the_check_stays_here_and_nginx_sends_the_bytes(client, world, private, settings):
    settings.PAKN_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    assert fetch(client, url(private.image.name))[0] == 404
    client.force_login(world.officer)
    status, body, response = fetch(client, url(private.image.name))
    assert (status, body) == (200, b"")
    assert response["X-Accel-Redirect"] == f"/protected-media/{private.image.name}"
