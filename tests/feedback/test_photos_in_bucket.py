"""Photos in an S3-compatible bucket (a local moto server): who gets which link, what each object's
visibility is, and that a store failing halfway leaves neither a row nor an object behind."""
import html
import io
import re
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from core.images import process_image
from core.storage import S3PhotoStorage
from tests.feedback import PHONE_UA, jpeg, on_site_data, post_multipart, upload
from tests.s3 import free_port, local_s3
from tests.workflow.builders import act, case_in, reload
from workflow import services
from workflow.actors import citizen_actor
from workflow.models import Case, CasePhoto, State, Submission, SubmissionPhoto

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def s3():
    with local_s3() as server:
        yield server


@pytest.fixture
def bucket(s3, settings):
    name = s3.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_options(name)}
    return name


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def is_signed(url):
    query = parse_qs(urlsplit(url).query)
    return "X-Amz-Signature" in query and 0 < int(query["X-Amz-Expires"][0]) <= 3600


def submit(client, world, *, consent, photos=1):
    data = on_site_data(world, publish_consent="true" if consent else "false",
                        photos=[upload(jpeg(colour=(10 * n, 90, 40))) for n in range(photos)])
    response = post_multipart(client, data)
    assert response.status_code == 201, response.json()
    return response.json()


def photo_links_on(page_html):
    return [html.unescape(url) for url in re.findall(r'<a href="([^"]+)"><img', page_html)]


# --- links and visibility ----------------------------------------------------------------------

def test_photos_sent_without_consent_are_private_objects_reached_only_by_signed_links(client, world, s3, bucket):
    body = submit(client, world, consent=False)

    keys = s3.keys(bucket)
    assert len(keys) == 2 and not any(s3.is_public(bucket, key) for key in keys)
    assert client.get(f"/api/v1/feedback/{body['tracking_code']}/").json()["photos"] == []
    links = photo_links_on(client.get(body["private_url"]).content.decode())
    assert len(links) == 1 and is_signed(links[0])
    status, content = fetch(links[0])
    assert status == 200 and content[:3] == b"\xff\xd8\xff"  # the stored JPEG itself


def test_photos_sent_with_consent_are_public_read_with_plain_cacheable_links(client, world, s3, bucket):
    body = submit(client, world, consent=True, photos=2)

    keys = s3.keys(bucket)
    assert len(keys) == 4 and all(s3.is_public(bucket, key) for key in keys)
    photos = client.get(f"/api/v1/feedback/{body['tracking_code']}/").json()["photos"]
    assert len(photos) == 2
    for link in photos:
        assert urlsplit(link["url"]).query == "" and urlsplit(link["thumbnail_url"]).query == ""
        assert urlsplit(link["url"]).path.lstrip("/").split("/", 1)[1] in keys
        assert fetch(link["thumbnail_url"])[0] == 200
    home = client.get("/").content.decode()
    assert re.search(r'class="case-thumb" src="http://127\.0\.0\.1:\d+/[^"?]+\.jpg"', home)


def test_staff_get_signed_links_to_every_photo(client, world, s3, bucket):
    submit(client, world, consent=True)
    case = Case.objects.get()
    token = Token.objects.create(user=world.receptionist)

    detail = client.get(f"/api/v1/cases/{case.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}").json()

    (photo,) = detail["submissions"][0]["photos"]
    assert is_signed(photo["url"]) and is_signed(photo["thumbnail_url"])
    assert fetch(photo["url"])[0] == 200


def answer_photo():
    return process_image(jpeg(colour=(250, 160, 0)))


def test_answer_photos_turn_public_when_the_answer_is_published_and_private_again_when_reopened(
        world, s3, bucket):
    world.department.requires_approval = True
    world.department.save()
    case = case_in(world, State.IN_PROGRESS, publish_consent=True)
    services.case_answer(case=case, actor=act(world.officer), answer="Đã thay bóng đèn.", photos=[answer_photo()])
    keys = s3.keys(bucket)
    assert len(keys) == 2 and not any(s3.is_public(bucket, key) for key in keys)  # a draft

    services.case_approve(case=case, actor=act(world.supervisor))
    assert all(s3.is_public(bucket, key) for key in keys)

    services.case_reopen(case=reload(case), actor=citizen_actor(case.pk, device_class="mobile"),
                         reason="Đèn vẫn chưa sáng.")
    assert not any(s3.is_public(bucket, key) for key in keys)


def test_a_sent_back_drafts_photos_are_deleted_from_the_bucket(world, s3, bucket):
    world.department.requires_approval = True
    world.department.save()
    case = case_in(world, State.IN_PROGRESS)
    services.case_answer(case=case, actor=act(world.officer), answer="Bản nháp.", photos=[answer_photo()])
    assert len(s3.keys(bucket)) == 2

    services.case_send_back(case=case, actor=act(world.supervisor), reason="Thiếu ảnh sau xử lý.")

    assert s3.keys(bucket) == [] and CasePhoto.objects.count() == 0


def test_a_signed_link_is_valid_for_at_most_an_hour_whatever_is_asked(s3, bucket):
    storage = S3PhotoStorage(**s3.storage_options(bucket)["OPTIONS"])
    assert parse_qs(urlsplit(storage.url("photos/x.jpg", expire=86400)).query)["X-Amz-Expires"] == ["3600"]
    storage.custom_domain = "cdn.example.vn"  # a CDN for public photos never makes a private one plain
    assert is_signed(storage.url("photos/x.jpg"))
    assert storage.public_url("photos/x.jpg") == "https://cdn.example.vn/photos/x.jpg"


# --- failures leave nothing half-saved -----------------------------------------------------------

class ThumbnailFailingStorage(S3PhotoStorage):
    """The real bucket, except that the store stops answering before the thumbnail is written."""

    def _save(self, name, content):
        if "/thumbs/" in name:
            raise EndpointConnectionError(endpoint_url=self.endpoint_url)
        return super()._save(name, content)


def test_a_store_failing_halfway_through_a_submission_leaves_no_row_and_no_object(client, world, s3, bucket, settings):
    options = s3.storage_options(bucket)
    settings.STORAGES = {**settings.STORAGES, "default": {**options, "BACKEND": f"{__name__}.ThumbnailFailingStorage"}}

    response = post_multipart(client, on_site_data(world))

    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable" and response.json()["message"]
    assert (Submission.objects.count(), Case.objects.count(), SubmissionPhoto.objects.count()) == (0, 0, 0)
    assert s3.keys(bucket) == []  # the photo written before the failure was taken back


def test_the_page_form_says_the_store_is_down_and_keeps_what_was_typed(client, world, s3, settings):
    stopped = s3.storage_options("no-such-bucket")
    stopped["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.STORAGES = {**settings.STORAGES, "default": stopped}
    data = {**on_site_data(world), "idempotency_key": str(uuid.uuid4()), "website": ""}

    response = client.post("/gui/", data, HTTP_ACCEPT="text/html", HTTP_USER_AGENT=PHONE_UA)

    assert response.status_code == 503
    page = response.content.decode()
    assert "kho lưu trữ đang gián đoạn" in page and "Đèn đường hỏng" in page
    assert (Submission.objects.count(), Case.objects.count()) == (0, 0)


# --- moving photos from local disk to the bucket --------------------------------------------------

def test_photos_kept_on_disk_move_to_the_bucket_once_with_their_visibility(client, world, s3, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    public = submit(client, world, consent=True)
    private = submit(client, world, consent=False)
    on_disk = sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in Path(settings.MEDIA_ROOT).rglob("*.jpg"))
    assert len(on_disk) == 4
    bucket = s3.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_options(bucket)}

    call_command("move_photos_to_bucket", stdout=(out := io.StringIO()))
    assert "4 file(s) copied, 0 already" in out.getvalue()
    assert s3.keys(bucket) == on_disk
    consented = Submission.objects.get(tracking_code=public["tracking_code"]).photos.get()
    withheld = Submission.objects.get(tracking_code=private["tracking_code"]).photos.get()
    assert s3.is_public(bucket, consented.image.name) and not s3.is_public(bucket, withheld.image.name)

    # Interrupted and run again: only what is missing is sent.
    s3.client().delete_object(Bucket=bucket, Key=withheld.thumbnail.name)
    call_command("move_photos_to_bucket", stdout=(out := io.StringIO()))
    assert "1 file(s) copied, 3 already" in out.getvalue()
    assert s3.keys(bucket) == on_disk
    assert fetch(default_storage.url(withheld.thumbnail.name))[0] == 200


def test_moving_photos_refuses_to_run_without_a_bucket(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("move_photos_to_bucket")
