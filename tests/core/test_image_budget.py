"""The photo pipeline bounds what one request and the whole process spend on decoding: a pixel
budget per request, checked on headers before anything is decoded, and one bounded pool of
decoding threads however many requests carry photos."""
import io
import threading
import time

import pytest
from PIL import Image

from core import images
from core.images import ImageRejected, header_pixels, process_photos
from workflow.models import Submission


def jpeg(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def decodes(monkeypatch):
    """Every decode the pipeline starts: (thread name, start, end), recorded around the real one."""
    calls = []
    real = images.process_image

    def recording(raw, **limits):
        started = time.monotonic()
        try:
            return real(raw, **limits)
        finally:
            calls.append((threading.current_thread().name, started, time.monotonic()))
    monkeypatch.setattr(images, "process_image", recording)
    return calls


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def one_worker(settings, monkeypatch):
    settings.PAKN_PHOTO_WORKERS = 1
    monkeypatch.setattr(images, "_pool", None)
    yield
    images.decode_pool().shutdown(wait=True)


def test_the_header_gives_the_pixels_without_decoding():
    assert header_pixels(jpeg(800, 600)) == 480_000
    assert header_pixels(b"not an image") == 0


def test_a_request_over_its_pixel_budget_is_refused_before_any_photo_is_decoded(settings, decodes):
    settings.PAKN_PHOTO_REQUEST_MAX_PIXELS = 1_000_000
    photos = [jpeg(800, 600), jpeg(800, 600), jpeg(800, 600)]  # 1.44 MP together
    with pytest.raises(ImageRejected) as refused:
        process_photos(photos)
    assert refused.value.code == "too_many_pixels"
    assert refused.value.fields == {"photos": [
        "Tổng độ phân giải các ảnh quá lớn (tối đa 1 megapixel cho một lần gửi). Hãy gửi ít ảnh hơn hoặc ảnh nhỏ hơn."]}
    assert decodes == []
    assert len(process_photos(photos[:2])) == 2  # 0.96 MP: within the budget


def test_each_photo_is_still_held_to_the_per_photo_limit(settings):
    settings.PAKN_PHOTO_MAX_PIXELS = 400_000
    with pytest.raises(ImageRejected) as refused:
        process_photos([jpeg(400, 300), jpeg(800, 600)])
    assert refused.value.code == "too_many_pixels"
    assert refused.value.fields["photos"][0].startswith("Ảnh 2: ")


def test_decoding_happens_on_the_pool_never_more_at_once_than_its_workers(one_worker, decodes):
    photos = [jpeg(1600, 1200), jpeg(1600, 1200)]
    threads = [threading.Thread(target=process_photos, args=(photos,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(decodes) == 8
    assert {name.split("_")[0] for name, _start, _end in decodes} == {"pakn-photo"}
    spans = sorted((start, end) for _name, start, end in decodes)
    assert all(later_start >= end for (_s, end), (later_start, _e) in zip(spans, spans[1:]))


def test_a_refusal_from_the_pool_is_worded_in_the_requesters_language(settings):
    from django.utils import translation

    settings.PAKN_PHOTO_MAX_PIXELS = 400_000
    with translation.override("en"), pytest.raises(ImageRejected) as refused:
        process_photos([jpeg(800, 600)])
    assert "megapixel" in refused.value.message and "Ảnh" not in refused.value.message


def test_an_api_submission_over_the_budget_is_400_and_leaves_nothing(client, world, media, settings):
    settings.PAKN_PHOTO_REQUEST_MAX_PIXELS = 1_000_000
    fields = {"kind": "on_site", "category": world.category.code, "title": "Ổ gà", "description": "Ổ gà lớn.",
              "address": "12 Lý Thái Tổ"}
    photos = [io.BytesIO(jpeg(800, 600)) for _ in range(3)]
    for number, photo in enumerate(photos):
        photo.name = f"anh-{number}.jpg"
    response = client.post("/api/v1/feedback/", {**fields, "photos": photos})
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_pixels"
    assert "Tổng độ phân giải các ảnh quá lớn" in response.json()["fields"]["photos"][0]
    assert Submission.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.jpg"))
