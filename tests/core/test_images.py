"""The photo pipeline (core.images): what a citizen's upload turns into, and what is refused.

Pure tests: images are made with Pillow in memory, no database. The real camera and phone photos in
the shared fixtures folder are used read-only when it is present, and those tests skip otherwise.
"""
import functools
import io
import os
import random
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageChops, ImageFile, ImageOps, ImageStat, features
from PIL.JpegImagePlugin import JpegImageFile
from PIL.TiffImagePlugin import IFDRational

from core.errors import PayloadTooLarge, ValidationFailed
from core.images import ImageRejected, ProcessedImage, process_image

RED, GREEN, BLUE, WHITE = (230, 20, 20), (20, 200, 40), (30, 40, 220), (255, 255, 255)

# How to store an upright picture so that EXIF orientation N brings it back upright: the inverse of
# what ImageOps.exif_transpose applies for N.
STORE_FOR_ORIENTATION = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
ALLOWED_JPEG_MARKERS = {0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD}  # APP0 JFIF + image data


# --- Helpers ------------------------------------------------------------------------------------


def quadrants(width=120, height=180):
    """An image that looks different after any rotation or mirror: one colour per quadrant."""
    img = Image.new("RGB", (width, height), WHITE)
    img.paste(RED, (0, 0, width // 2, height // 2))
    img.paste(GREEN, (width // 2, 0, width, height // 2))
    img.paste(BLUE, (0, height // 2, width // 2, height))
    return img


def quadrant_colours(img):
    w, h = img.size
    rgb = img.convert("RGB")
    return [rgb.getpixel((w * x // 4, h * y // 4)) for y in (1, 3) for x in (1, 3)]


def assert_colours_close(actual, expected, tolerance=45):
    for got, want in zip(actual, expected, strict=True):
        assert all(abs(g - w) <= tolerance for g, w in zip(got, want)), (actual, expected)


def noise(size=(96, 64), seed=0):
    """Incompressible pixels, so that cutting the file cuts real image data."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def decoded(data):
    return Image.open(io.BytesIO(data))


def encode(img, fmt="JPEG", **params):
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    return buffer.getvalue()


def rational_dms(degrees):
    whole = int(degrees)
    minutes_float = (degrees - whole) * 60
    minutes = int(minutes_float)
    seconds = round((minutes_float - minutes) * 60 * 1000)
    return (IFDRational(whole, 1), IFDRational(minutes, 1), IFDRational(seconds, 1000))


def gps_exif(lat, lon, *, lat_ref=None, lon_ref=None, extra=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Secret Model 9"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: lat_ref if lat_ref is not None else "NS"[lat < 0],
        ExifTags.GPS.GPSLatitude: rational_dms(abs(lat)),
        ExifTags.GPS.GPSLongitudeRef: lon_ref if lon_ref is not None else "EW"[lon < 0],
        ExifTags.GPS.GPSLongitude: rational_dms(abs(lon)),
        **(extra or {}),
    }
    return exif


def jpeg_header(data):
    """(markers, bytes) of every segment before the first scan: where metadata lives."""
    assert data[:2] == b"\xff\xd8"
    position, markers = 2, []
    while data[position + 1] != 0xDA:  # SOS: compressed pixels follow
        assert data[position] == 0xFF
        markers.append(data[position + 1])
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers, data[:position]


def assert_clean_jpeg(data):
    """A JPEG that says nothing about where, when or with what the photo was taken."""
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    assert len(img.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & img.info.keys()
    markers, header = jpeg_header(data)
    assert set(markers) <= ALLOWED_JPEG_MARKERS  # no APP1-15 (EXIF, XMP, ICC...), no comment
    # Searched in the header only: compressed pixels may contain any short byte sequence.
    for leak in (b"Exif", b"GPS", b"ns.adobe.com", b"ICC_PROFILE", b"PhoneMaker", b"Secret Model"):
        assert leak not in header
    assert b"Exif\x00\x00" not in data


def assert_well_formed(result, *, max_side, thumb_side):
    content = decoded(result.content)
    thumbnail = decoded(result.thumbnail)
    content.load()
    thumbnail.load()
    assert content.size == (result.width, result.height)
    assert content.mode == thumbnail.mode == "RGB"
    assert max(content.size) <= max_side
    assert max(thumbnail.size) <= thumb_side
    assert_clean_jpeg(result.content)
    assert_clean_jpeg(result.thumbnail)


def png_header_only(width, height):
    """A PNG signature and header announcing width x height, with no pixel data at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale

    def chunk(kind, payload):
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def rejection(data, **limits):
    with pytest.raises(ImageRejected) as caught:
        process_image(data, **limits)
    assert str(caught.value.message).strip()
    return caught.value


LIMITS = {"max_side": 2048, "thumb_side": 400}


# --- Output shape -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_every_accepted_format_becomes_a_clean_jpeg_and_thumbnail(fmt):
    result = process_image(encode(quadrants(), fmt), max_side=150, thumb_side=40)

    assert isinstance(result, ProcessedImage)
    assert result.source_format == fmt
    assert (result.width, result.height) == (100, 150)
    assert_well_formed(result, max_side=150, thumb_side=40)
    assert max(decoded(result.thumbnail).size) == 40


def test_long_side_is_capped_and_aspect_kept():
    result = process_image(encode(noise((3000, 1000))), max_side=2048, thumb_side=400)

    assert (result.width, result.height) == (2048, 683)
    assert decoded(result.thumbnail).size == (400, 133)


def test_small_photo_is_not_enlarged():
    result = process_image(encode(quadrants(100, 68)), **LIMITS)

    assert (result.width, result.height) == (100, 68)
    assert decoded(result.thumbnail).size == (100, 68)


def test_limits_default_to_settings_read_at_call_time(settings):
    settings.PAKN_PHOTO_MAX_SIDE = 90
    settings.PAKN_PHOTO_THUMB_SIDE = 30

    result = process_image(encode(quadrants()))

    assert (result.width, result.height) == (60, 90)
    assert max(decoded(result.thumbnail).size) == 30


def test_reads_a_stream_as_well_as_bytes():
    result = process_image(io.BytesIO(encode(quadrants(), "PNG")), **LIMITS)

    assert result.source_format == "PNG"


def test_repr_leaves_out_the_image_bytes():
    result = process_image(encode(quadrants()), **LIMITS)

    assert "content" not in repr(result) and "\\x" not in repr(result)


# --- Orientation --------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    upright = quadrants()
    method = STORE_FOR_ORIENTATION[orientation]
    stored = upright.transpose(method) if method is not None else upright.copy()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation

    result = process_image(encode(stored, quality=95, exif=exif), **LIMITS)

    content = decoded(result.content)
    assert content.size == upright.size
    assert_colours_close(quadrant_colours(content), quadrant_colours(upright))
    assert_colours_close(quadrant_colours(decoded(result.thumbnail)), quadrant_colours(upright))


def test_rotates_portrait_photo_upright():
    # Orientation 6: the phone was held upright, the sensor stored the picture lying on its side.
    upright = quadrants(300, 500)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    sideways = upright.transpose(Image.Transpose.ROTATE_90)

    result = process_image(encode(sideways, exif=exif), **LIMITS)

    content = decoded(result.content)
    assert (result.width, result.height) == (300, 500)
    assert_colours_close([content.getpixel((5, 5))], [RED])  # top-left corner is red again


def test_turns_upside_down_photo_the_right_way_up():
    upright = quadrants(500, 300)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 3

    result = process_image(encode(upright.rotate(180), exif=exif), **LIMITS)

    content = decoded(result.content)
    assert (result.width, result.height) == (500, 300)
    assert_colours_close([content.getpixel((5, 5)), content.getpixel((494, 294))], [RED, WHITE])


def test_heic_orientation_is_applied_once_not_twice():
    # pillow-heif hands over HEIC pixels already rotated (irot) and resets EXIF orientation to 1.
    upright = quadrants()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    heic = encode(upright.transpose(Image.Transpose.ROTATE_90), "HEIF", exif=exif.tobytes())

    result = process_image(heic, **LIMITS)

    content = decoded(result.content)
    assert content.size == upright.size
    assert_colours_close(quadrant_colours(content), quadrant_colours(upright))


# --- Reduced-scale JPEG decoding ---------------------------------------------------------------
#
# A large JPEG is decoded by libjpeg-turbo (simplejpeg) at the smallest M/8 scale that still covers
# the stored size; anything that path declines or fails on goes through Pillow (with its draft()).
# The spies wrap the real decoders: they record what was decoded and return what the decoders did.


@pytest.fixture
def fast_decodes(monkeypatch):
    """(width, height) of every picture libjpeg-turbo decoded for the pipeline, or the error."""
    import core.images

    calls = []
    original = core.images.simplejpeg.decode_jpeg

    def spy(*args, **kwargs):
        try:
            pixels = original(*args, **kwargs)
        except Exception as exc:
            calls.append(type(exc).__name__)
            raise
        calls.append((pixels.shape[1], pixels.shape[0]))
        return pixels

    monkeypatch.setattr(core.images.simplejpeg, "decode_jpeg", spy)
    return calls


@pytest.fixture
def pillow_decodes(monkeypatch):
    """The format of every picture Pillow decoded (load() before any pixels exist)."""
    calls = []
    original = ImageFile.ImageFile.load

    def spy(self):
        if self.tile:
            calls.append(self.format)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


@pytest.fixture
def draft_calls(monkeypatch):
    calls = []
    original = JpegImageFile.draft

    def spy(self, mode, size):
        if self.tile:  # not yet decoded: the call can still change the decode (thumbnail() calls
            calls.append(size)  # draft too, after load, where it does nothing)
        return original(self, mode, size)

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    return calls


def through_pillow_only(monkeypatch, data, **limits):
    """The pipeline's result with the reduced-scale JPEG path switched off: Pillow's full decode."""
    import core.images

    with monkeypatch.context() as patch:
        patch.setattr(core.images, "_scaled_jpeg", lambda raw, img, max_side: None)
        return process_image(data, **limits)


def mean_difference(first, second):
    a, b = decoded(first).convert("RGB"), decoded(second).convert("RGB")
    assert a.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def photo_like(size, seed=0):
    """Smooth shapes plus a little grain: what a camera gives, unlike pure noise (whose energy at
    every frequency makes any two resampling methods disagree) or flat colour (which hides all)."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (32, 24), rng.randbytes(32 * 24 * 3))
    img = small.resize(size, Image.Resampling.BICUBIC)
    img.paste(quadrants(size[0] // 3, size[1] // 3), (size[0] // 4, size[1] // 4))
    grain = Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(lambda v: v // 16)
    return ImageChops.add(img, Image.merge("RGB", [grain] * 3), offset=-8)


def test_large_jpeg_is_decoded_at_reduced_scale(fast_decodes, pillow_decodes):
    result = process_image(encode(quadrants(1000, 600)), max_side=100, thumb_side=40)

    assert fast_decodes == [(125, 75)]  # 1/8 scale, still above max_side
    assert pillow_decodes == []  # Pillow read the header (EXIF, ICC) and no pixels
    assert (result.width, result.height) == (100, 60)


def test_a_phone_photo_is_decoded_at_five_eighths_and_stored_at_the_size_asked(fast_decodes):
    # 4032 / 2 = 2016 < 2048: Pillow's draft() could not help; libjpeg-turbo's 5/8 gives 2520.
    result = process_image(encode(quadrants(4032, 3024)), max_side=2048, thumb_side=400)

    assert fast_decodes == [(2520, 1890)]
    assert (result.width, result.height) == (2048, 1536)


def test_reduced_scale_target_accounts_for_rotated_photos(fast_decodes):
    upright = quadrants(600, 1000)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    stored = encode(upright.transpose(Image.Transpose.ROTATE_90), quality=95, exif=exif)

    result = process_image(stored, max_side=100, thumb_side=40)

    assert fast_decodes == [(125, 75)]  # in stored (sideways) coordinates
    assert (result.width, result.height) == (60, 100)
    assert_colours_close(quadrant_colours(decoded(result.content)), quadrant_colours(upright))


@pytest.mark.parametrize(
    ("size", "max_side", "scaled"),
    [
        ((300, 200), 200, (225, 150)),  # 6/8: 5/8 would give 188 < 200
        ((390, 260), 200, (244, 163)),  # 5/8 (ceil): 4/8 would give 195 < 200
        ((2049, 1000), 2048, None),  # no scale below 8/8 covers 2048: Pillow decodes in full
        ((1000, 2301), 2048, None),  # 7/8 gives 2014 < 2048
        ((2341, 1000), 2048, (2049, 875)),  # 7/8
        ((1001, 7), 200, (251, 2)),  # a sliver keeps at least one pixel row
    ],
)
def test_stored_size_is_what_a_full_decode_gives(fast_decodes, monkeypatch, size, max_side, scaled):
    data = encode(quadrants(*size))
    result = process_image(data, max_side=max_side, thumb_side=40)
    full = through_pillow_only(monkeypatch, data, max_side=max_side, thumb_side=40)

    assert fast_decodes == ([scaled] if scaled else [])
    assert (result.width, result.height) == (full.width, full.height)
    assert max(result.width, result.height) == max_side


def test_sizes_match_pillows_thumbnail_rounding():
    from core.images import _fit

    rng = random.Random(13)
    sizes = [(4032, 3024), (3024, 4032), (6000, 4000), (4000, 6000), (3264, 2448), (5184, 3456),
             (2049, 2048), (2048, 2049), (9000, 3), (3, 9000), (4001, 2251), (2251, 4001)]
    sizes += [(rng.randint(2049, 5000), rng.randint(1, 5000)) for _ in range(25)]
    for width, height in sizes:
        img = Image.new("1", (width, height))
        img.thumbnail((2048, 2048))
        assert _fit(width, height, 2048) == img.size, (width, height)
    assert _fit(2048, 1000, 2048) is None


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright_at_reduced_scale(orientation, fast_decodes):
    upright = quadrants(1200, 1800)
    method = STORE_FOR_ORIENTATION[orientation]
    stored = upright.transpose(method) if method is not None else upright.copy()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation

    result = process_image(encode(stored, quality=95, exif=exif), max_side=400, thumb_side=100)

    assert len(fast_decodes) == 1 and max(fast_decodes[0]) == 450  # 2/8 of 1800
    content = decoded(result.content)
    assert content.size == (267, 400)
    assert_colours_close(quadrant_colours(content), quadrant_colours(upright))
    assert_colours_close(quadrant_colours(decoded(result.thumbnail)), quadrant_colours(upright))


def test_reduced_scale_path_reads_gps_and_keeps_no_metadata(fast_decodes):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><r xmlns="http://ns.adobe.com/"/></x:xmpmeta>'
    source = encode(
        quadrants(1600, 1200),
        exif=gps_exif(21.03, 105.85),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=xmp,
        comment=b"PhoneMaker owner: Nguyen Van A",
    )

    result = process_image(source, max_side=500, thumb_side=100)

    assert fast_decodes == [(600, 450)]
    assert result.gps == pytest.approx((21.03, 105.85), abs=1e-4)
    assert_clean_jpeg(result.content)
    assert_clean_jpeg(result.thumbnail)


def test_reduced_scale_path_converts_display_p3_to_srgb(fast_decodes):
    # The iPhone photo's Display P3 profile (see test_display_p3_photo_is_converted_to_srgb).
    p3_profile = decoded(photo("heic_mobile_iphone_13_pro_max.HEIC")).info["icc_profile"]
    source = Image.new("RGB", (1600, 1200), (200, 60, 60))

    tagged = process_image(encode(source, quality=100, icc_profile=p3_profile), max_side=400, thumb_side=100)
    untagged = process_image(encode(source, quality=100), max_side=400, thumb_side=100)

    assert fast_decodes == [(400, 300), (400, 300)]
    red_tagged = decoded(tagged.content).getpixel((200, 150))
    red_untagged = decoded(untagged.content).getpixel((200, 150))
    assert red_tagged[0] > red_untagged[0] + 5  # the same P3 red is a more saturated sRGB red
    assert_clean_jpeg(tagged.content)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("baseline", {"quality": 92}),
        ("progressive", {"quality": 92, "progressive": True}),
        ("no chroma subsampling", {"quality": 92, "subsampling": 0}),
        ("greyscale", {"quality": 92}),
    ],
)
def test_reduced_scale_decode_looks_like_pillows_full_decode(fast_decodes, monkeypatch, name, params):
    img = photo_like((2400, 1800))
    if name == "greyscale":
        img = img.convert("L")
    data = encode(img, **params)

    fast = process_image(data, max_side=1000, thumb_side=200)
    full = through_pillow_only(monkeypatch, data, max_side=1000, thumb_side=200)

    assert fast_decodes == [(1200, 900)]  # 4/8
    assert (fast.width, fast.height) == (full.width, full.height) == (1000, 750)
    assert mean_difference(fast.content, full.content) < 1.5  # of 255, after JPEG on both sides
    assert mean_difference(fast.thumbnail, full.thumbnail) < 1.5


def test_multi_picture_jpeg_decodes_its_first_picture_at_reduced_scale(fast_decodes, monkeypatch):
    first = photo_like((1600, 1200))
    data = encode(first, "MPO", save_all=True, append_images=[quadrants(1600, 1200)])

    fast = process_image(data, max_side=500, thumb_side=100)
    full = through_pillow_only(monkeypatch, data, max_side=500, thumb_side=100)

    assert fast_decodes == [(600, 450)]
    assert mean_difference(fast.content, full.content) < 1.5


def test_cmyk_jpeg_takes_pillows_path_with_its_draft(fast_decodes, pillow_decodes, draft_calls):
    source = Image.new("CMYK", (1000, 600), (0, 255, 255, 0))  # pure red in ink

    result = process_image(encode(source), max_side=100, thumb_side=40)

    assert fast_decodes == []
    assert pillow_decodes == ["JPEG"]
    assert draft_calls == [(125, 75)]  # Pillow's own 1/8 scale
    assert (result.width, result.height) == (100, 60)
    assert_colours_close([decoded(result.content).getpixel((50, 30))], [(255, 0, 0)])


def test_jpeg_libjpeg_warns_about_falls_back_to_pillow_and_is_kept(fast_decodes, pillow_decodes):
    # Stray bytes before the end marker: libjpeg warns ("extraneous bytes"), the strict fast
    # decode gives up, and Pillow, which accepted such files before, decodes it.
    data = encode(photo_like((1600, 1200)))
    data = data[:-2] + b"\x00\x00\x00" + data[-2:]

    result = process_image(data, max_side=500, thumb_side=100)

    assert fast_decodes == ["ValueError"]
    assert pillow_decodes == ["JPEG"]
    assert (result.width, result.height) == (500, 375)
    assert_well_formed(result, max_side=500, thumb_side=100)


@pytest.mark.parametrize("params", [{}, {"progressive": True}])
def test_truncated_large_jpeg_is_still_a_broken_image(fast_decodes, pillow_decodes, params):
    data = encode(noise((1200, 900)), **params)

    assert rejection(data[: len(data) * 2 // 3], max_side=300, thumb_side=40).code == "broken_image"
    assert fast_decodes == ["ValueError"]  # the strict decode refused it, then Pillow did too
    assert pillow_decodes == ["JPEG"]


def test_pixel_limit_is_checked_before_the_reduced_scale_decode(fast_decodes, pillow_decodes):
    error = rejection(encode(quadrants(1000, 600)), max_pixels=1000 * 600 - 1, max_side=100, thumb_side=40)

    assert error.code == "too_many_pixels"
    assert fast_decodes == [] and pillow_decodes == []


def test_small_jpeg_is_decoded_by_pillow_in_full(fast_decodes, pillow_decodes, draft_calls):
    result = process_image(encode(quadrants(120, 180)), **LIMITS)

    assert fast_decodes == [] and draft_calls == []
    assert pillow_decodes == ["JPEG"]
    assert (result.width, result.height) == (120, 180)


# --- Colour modes -------------------------------------------------------------------------------


def transparent_square(mode):
    img = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    img.paste((200, 0, 0, 255), (0, 0, 40, 80))  # left half opaque red, right half transparent
    if mode == "P":
        return img.convert("P", palette=Image.Palette.ADAPTIVE)  # keeps transparency in the palette
    return img.convert(mode)


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "LA"), ("PNG", "P"), ("WEBP", "RGBA")]
)
def test_transparency_is_flattened_onto_white(fmt, mode):
    source = transparent_square(mode)
    assert source.has_transparency_data
    params = {"lossless": True} if fmt == "WEBP" else {}

    result = process_image(encode(source, fmt, **params), **LIMITS)

    content = decoded(result.content)
    right_half = content.getpixel((60, 40))
    assert all(channel >= 245 for channel in right_half)  # transparent became white, not black
    left_half = content.getpixel((20, 40))
    assert left_half != right_half


def test_sixteen_bit_greyscale_keeps_its_tones():
    # convert("RGB") alone would clip every value above 255 to white.
    source = Image.new("I;16", (40, 40), 40000)

    result = process_image(encode(source, "PNG"), **LIMITS)

    (red, green, blue) = decoded(result.content).getpixel((20, 20))
    assert abs(red - 40000 / 257) <= 3 and red == green == blue


def test_cmyk_jpeg_is_converted_to_rgb():
    source = Image.new("CMYK", (40, 40), (0, 255, 255, 0))  # pure red in ink

    result = process_image(encode(source), **LIMITS)

    assert_colours_close([decoded(result.content).getpixel((20, 20))], [(255, 0, 0)])


@pytest.mark.parametrize("mode", ["L", "1", "P"])
def test_greyscale_and_palette_photos_become_rgb(mode):
    result = process_image(encode(quadrants().convert(mode), "PNG"), **LIMITS)

    assert decoded(result.content).mode == "RGB"


# --- GPS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize(
    "where",
    [(21.028511, 105.804817), (10.776889, 106.700806), (-33.8688, 151.2093), (40.7128, -74.006)],
)
def test_reads_gps_position_before_dropping_metadata(fmt, where):
    exif = gps_exif(*where)

    result = process_image(encode(quadrants(), fmt, exif=exif.tobytes()), **LIMITS)

    assert result.gps == pytest.approx(where, abs=1e-4)
    assert_clean_jpeg(result.content)


def test_decimal_degrees_in_a_single_rational_are_read():
    decimal = {
        ExifTags.GPS.GPSLatitude: (IFDRational(160356, 10000),),
        ExifTags.GPS.GPSLongitude: (IFDRational(1082220, 10000),),
    }
    exif = gps_exif(1, 1, extra=decimal)

    result = process_image(encode(quadrants(), exif=exif), **LIMITS)

    assert result.gps == pytest.approx((16.0356, 108.222), abs=1e-4)


@pytest.mark.parametrize(
    "exif",
    [
        pytest.param(gps_exif(0, 0), id="null-island-means-no-fix"),
        pytest.param(gps_exif(95, 10, lat_ref="N"), id="latitude-out-of-range"),
        pytest.param(gps_exif(21, 185, lon_ref="E"), id="longitude-out-of-range"),
        pytest.param(gps_exif(21, 105, lat_ref="X"), id="unknown-reference"),
        pytest.param(gps_exif(21, 105, lat_ref=""), id="missing-reference"),
        pytest.param(Image.Exif(), id="no-gps-block"),
    ],
)
def test_implausible_or_missing_gps_is_none(exif):
    result = process_image(encode(quadrants(), exif=exif), **LIMITS)

    assert result.gps is None


def test_gps_with_zero_denominator_is_none():
    nan_degrees = (IFDRational(21, 0), IFDRational(1, 1), IFDRational(0, 1))
    exif = gps_exif(21, 105, extra={ExifTags.GPS.GPSLatitude: nan_degrees})

    result = process_image(encode(quadrants(), exif=exif), **LIMITS)

    assert result.gps is None


def test_photo_without_exif_has_no_gps():
    assert process_image(encode(quadrants(), "PNG"), **LIMITS).gps is None


# --- Metadata never leaks -----------------------------------------------------------------------


def test_drops_exif_xmp_icc_and_comment_from_jpeg():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><r xmlns="http://ns.adobe.com/"/></x:xmpmeta>'
    source = encode(
        quadrants(),
        exif=gps_exif(21.03, 105.85),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=xmp,
        comment=b"PhoneMaker owner: Nguyen Van A",
    )
    assert {"exif", "icc_profile", "xmp", "comment"} <= Image.open(io.BytesIO(source)).info.keys()

    result = process_image(source, **LIMITS)

    assert result.gps == pytest.approx((21.03, 105.85), abs=1e-4)
    assert_clean_jpeg(result.content)
    assert_clean_jpeg(result.thumbnail)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_drops_metadata_from_other_formats(fmt):
    source = encode(quadrants(), fmt, exif=gps_exif(21.03, 105.85).tobytes())

    result = process_image(source, **LIMITS)

    assert_clean_jpeg(result.content)
    assert_clean_jpeg(result.thumbnail)


def test_unreadable_colour_profile_is_ignored_not_fatal():
    result = process_image(encode(quadrants(), icc_profile=b"not an icc profile" * 10), **LIMITS)

    assert_clean_jpeg(result.content)
    assert_colours_close(quadrant_colours(decoded(result.content)), quadrant_colours(quadrants()))


def test_srgb_profile_leaves_colours_alone():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    result = process_image(encode(quadrants(), quality=95, icc_profile=srgb), **LIMITS)

    colours = quadrant_colours(decoded(result.content))
    assert_colours_close(colours, quadrant_colours(quadrants()), tolerance=8)


# --- Refusals -----------------------------------------------------------------------------------


def test_over_the_byte_limit_is_payload_too_large():
    data = encode(noise((200, 200)))

    with pytest.raises(PayloadTooLarge) as caught:
        process_image(data, max_bytes=len(data) - 1, **LIMITS)

    assert caught.value.status == 413
    assert "MB" in str(caught.value.message)


def test_byte_limit_comes_from_settings(settings):
    settings.PAKN_PHOTO_MAX_BYTES = 1024

    with pytest.raises(PayloadTooLarge):
        process_image(encode(noise((200, 200))))


def test_oversized_stream_is_not_read_past_the_limit():
    stream = io.BytesIO(b"\xff\xd8\xff" + bytes(5 * 1024 * 1024))

    with pytest.raises(PayloadTooLarge):
        process_image(stream, max_bytes=1024 * 1024)

    assert stream.tell() == 1024 * 1024 + 1


def test_exactly_the_byte_limit_is_accepted():
    data = encode(quadrants())

    assert process_image(data, max_bytes=len(data), **LIMITS).source_format == "JPEG"


def _gif():
    return encode(quadrants(), "GIF")


def _avif():
    if not features.check("avif"):
        return b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64)
    return encode(quadrants(), "AVIF")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_gif, id="gif"),
        pytest.param(lambda: encode(quadrants(), "BMP"), id="bmp"),
        pytest.param(lambda: encode(quadrants(), "TIFF"), id="tiff"),
        pytest.param(lambda: encode(quadrants(), "ICO"), id="ico"),
        pytest.param(_avif, id="avif"),
        pytest.param(lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", id="pdf"),
        pytest.param(lambda: "Xin chào, đây là văn bản.\n".encode() * 20, id="text-named-jpg"),
        pytest.param(lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="10"/>', id="svg"),
        pytest.param(lambda: b"PK\x03\x04" + bytes(100), id="zip"),
        pytest.param(lambda: random.Random(7).randbytes(4096), id="random-bytes"),
        pytest.param(lambda: b"\xff\xd8", id="two-bytes-of-jpeg-magic"),
    ],
)
def test_refuses_formats_other_than_jpeg_png_webp_heic(make):
    error = rejection(make(), **LIMITS)

    assert error.code == "unsupported_format"
    assert error.status == 400 and isinstance(error, ValidationFailed)
    for name in ("JPEG", "PNG", "WebP", "HEIC"):
        assert name in str(error.message)


def test_empty_file_is_a_broken_image():
    assert rejection(b"", **LIMITS).code == "broken_image"


@pytest.mark.parametrize(
    ("fmt", "params"),
    [
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("PNG", {}),
        ("WEBP", {"lossless": True}),
        ("WEBP", {"quality": 80}),
        ("HEIF", {}),
    ],
)
def test_truncated_file_is_a_broken_image(fmt, params):
    data = encode(noise(), fmt, **params)

    assert rejection(data[: len(data) // 2], **LIMITS).code == "broken_image"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(2000), id="jpeg-then-junk"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(2000), id="png-then-junk"),
        pytest.param(b"RIFF\x00\x10\x00\x00WEBPVP8 " + bytes(200), id="webp-magic-then-zeros"),
        pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", id="heic-ftyp-only"),
    ],
)
def test_right_magic_with_unreadable_content_is_a_broken_image(data):
    assert rejection(data, **LIMITS).code == "broken_image"


def test_heic_with_data_appended_after_its_boxes_is_accepted():
    heic = encode(quadrants(), "HEIF") + b"\x00\xff\xfe\xfd" * 4

    assert process_image(heic, **LIMITS).source_format == "HEIF"


def test_heic_box_running_past_the_end_is_a_broken_image():
    # libheif would paint the missing tiles green rather than fail; see the real photos below.
    heic = encode(noise((256, 256)), "HEIF")

    assert rejection(heic[:-1], **LIMITS).code == "broken_image"


def test_loading_truncated_images_stays_switched_off():
    rejection(encode(noise())[:500], **LIMITS)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- Decompression bombs ------------------------------------------------------------------------


def test_huge_dimensions_are_refused_from_the_header_alone():
    error = rejection(png_header_only(20_000, 20_000), **LIMITS)

    assert error.code == "too_many_pixels"
    assert "megapixel" in str(error.message)


def test_pixel_limit_is_checked_before_decoding(monkeypatch):
    loads = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self))

    error = rejection(encode(noise((200, 200)), "PNG"), max_pixels=200 * 200 - 1, **LIMITS)

    assert error.code == "too_many_pixels"
    assert loads == []


def test_real_compressed_bomb_is_refused():
    # 20000 x 20000 one-bit pixels compress to a few kilobytes but would decode to 400 MB.
    compressor, row = zlib.compressobj(9), b"\x00" + bytes(20_000 // 8)  # filter byte + pixels
    pixels = b"".join(compressor.compress(row) for _ in range(20_000)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", 20_000, 20_000, 1, 0, 0, 0, 0)
    chunks = [(b"IHDR", ihdr), (b"IDAT", pixels), (b"IEND", b"")]
    png = b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in chunks
    )
    assert len(png) < 100_000

    assert rejection(png, **LIMITS).code == "too_many_pixels"


def test_pillow_bomb_limit_is_honoured_below_our_own(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)

    with pytest.warns(Image.DecompressionBombWarning):  # Pillow only warns up to twice its limit
        error = rejection(encode(noise((150, 100))), max_pixels=10**9, **LIMITS)
    assert error.code == "too_many_pixels"
    error = rejection(encode(noise((400, 400))), max_pixels=10**9, **LIMITS)  # Pillow's error
    assert error.code == "too_many_pixels"


def test_decompression_bomb_warning_as_error_is_still_a_rejection(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)

        error = rejection(encode(noise((150, 100))), max_pixels=10**9, **LIMITS)

    assert error.code == "too_many_pixels"


def test_global_warning_filters_are_left_alone():
    before = list(warnings.filters)

    rejection(png_header_only(20_000, 20_000), **LIMITS)
    process_image(encode(quadrants()), **LIMITS)

    assert warnings.filters == before


# --- Robustness ---------------------------------------------------------------------------------


# Pillow warns (UserWarning) about the EXIF blocks this test mangles; expected, and not ours.
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_damaged_files_only_ever_raise_image_rejected(fmt):
    rng = random.Random(fmt)
    original = bytearray(encode(noise((64, 48), seed=3), fmt, exif=gps_exif(21, 105).tobytes()))
    for _ in range(60):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        damaged = damaged[: rng.randint(len(damaged) // 4, len(damaged))]
        try:
            result = process_image(bytes(damaged), **LIMITS)
        except ImageRejected as error:
            assert error.code in {"broken_image", "unsupported_format", "too_many_pixels"}
        else:
            assert_well_formed(result, **LIMITS)


@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
def test_damaged_large_jpegs_only_ever_raise_image_rejected(fast_decodes):
    # The same, through the reduced-scale decode: 64 x 48 with max_side 16 decodes at 2/8.
    rng = random.Random("fast")
    original = bytearray(encode(photo_like((64, 48), seed=3), exif=gps_exif(21, 105).tobytes()))
    for attempt in range(80):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if attempt % 2:
            damaged = damaged[: rng.randint(len(damaged) // 4, len(damaged))]
        try:
            result = process_image(bytes(damaged), max_side=16, thumb_side=8)
        except ImageRejected as error:
            assert error.code in {"broken_image", "unsupported_format", "too_many_pixels"}
        else:
            assert_well_formed(result, max_side=16, thumb_side=8)
    assert (16, 12) in fast_decodes and "ValueError" in fast_decodes  # both ways were taken


def test_multi_picture_jpeg_counts_as_jpeg():
    # Some phones save MPO (a JPEG with extra frames, e.g. a depth map); Pillow names it "MPO".
    second = quadrants().transpose(Image.Transpose.ROTATE_180)
    data = encode(quadrants(), "MPO", save_all=True, append_images=[second])

    result = process_image(data, **LIMITS)

    assert result.source_format == "JPEG"
    assert_clean_jpeg(result.content)


# --- Real photos from cameras and phones (skipped when the shared fixtures are absent) ----------


FIXTURES = Path(
    os.environ.get("PAKN_PHOTO_FIXTURES")
    or Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "photos"
)
ALL_PHOTOS = [
    "heic_IMG_5195.HEIC",
    "heic_mobile_iphone_13_pro_max.HEIC",
    "jpg_Canon_40D.jpg",
    "jpg_corrupted.jpg",
    "jpg_gps_DSCN0010.jpg",
    "jpg_gps_DSCN0012.jpg",
    "jpg_invalid_image00971.jpg",
    "jpg_mobile_jolla.jpg",
    "jpg_orientation_landscape_3.jpg",
    "jpg_orientation_portrait_6.jpg",
    "jpg_xmp_no_exif.jpg",
]


def photo(name):
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"real photo fixtures not found at {FIXTURES}")
    return path.read_bytes()


@functools.cache
def processed(name):
    """The pipeline's result for a real photo, computed once: HEIC decoding takes about a second."""
    return process_image(photo(name), **LIMITS)


def pillow_gps(data):
    """Pillow's own reading of the GPS block, done independently of core.images."""
    gps = Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    def signed(dms, ref, negative):
        degrees, minutes, seconds = (float(x) for x in dms)
        value = degrees + minutes / 60 + seconds / 3600
        return -value if ref == negative else value

    return (
        signed(gps[ExifTags.GPS.GPSLatitude], gps[ExifTags.GPS.GPSLatitudeRef], "S"),
        signed(gps[ExifTags.GPS.GPSLongitude], gps[ExifTags.GPS.GPSLongitudeRef], "W"),
    )


@pytest.mark.parametrize("name", ALL_PHOTOS)
def test_real_photo_comes_out_clean_and_bounded(name):
    # Includes jpg_corrupted.jpg and jpg_invalid_image00971.jpg: despite their names both are
    # complete JPEGs that decode in full (checked by eye too). "corrupted" is a 3648x2736 Olympus
    # photo; its pixels, EXIF and end-of-image marker read cleanly with Pillow, so whatever got it
    # its name (an EXIF-parsing corpus) does not concern us. "invalid" is a 636x227 JPEG whose XMP
    # claims 636x1020, a leftover from cropping. Pixels are what we keep, so both are accepted;
    # cut in half they are refused (the test below).
    result = processed(name)

    assert_well_formed(result, **LIMITS)
    assert result.source_format == ("HEIF" if name.endswith(".HEIC") else "JPEG")


@pytest.mark.parametrize("name", ALL_PHOTOS)
def test_real_photo_cut_in_half_is_a_broken_image(name):
    data = photo(name)

    assert rejection(data[: len(data) // 2], **LIMITS).code == "broken_image"


@pytest.mark.parametrize(
    ("name", "size"),
    [("heic_IMG_5195.HEIC", (1586, 2048)), ("heic_mobile_iphone_13_pro_max.HEIC", (1536, 2048))],
)
def test_iphone_heic_is_decoded(name, size):
    result = processed(name)

    assert result.source_format == "HEIF"
    assert (result.width, result.height) == size


@pytest.mark.parametrize(
    "name", ["jpg_gps_DSCN0010.jpg", "jpg_gps_DSCN0012.jpg", "heic_IMG_5195.HEIC"]
)
def test_real_photo_gps_matches_pillows_reading(name):
    data = photo(name)

    result = process_image(data, **LIMITS)

    assert result.gps == pytest.approx(pillow_gps(data), abs=1e-4)


def test_nikon_photos_were_taken_in_tuscany():
    for name in ("jpg_gps_DSCN0010.jpg", "jpg_gps_DSCN0012.jpg"):
        latitude, longitude = processed(name).gps
        assert latitude == pytest.approx(43.467, abs=0.01)
        assert longitude == pytest.approx(11.885, abs=0.01)


def test_western_longitude_is_negative():
    # heic_IMG_5195.HEIC was taken near Kansas City (39.05 N, 94.29 W).
    latitude, longitude = processed("heic_IMG_5195.HEIC").gps

    assert latitude == pytest.approx(39.0513, abs=1e-3)
    assert longitude == pytest.approx(-94.2888, abs=1e-3)


@pytest.mark.parametrize(
    "name", ["heic_mobile_iphone_13_pro_max.HEIC", "jpg_Canon_40D.jpg", "jpg_mobile_jolla.jpg"]
)
def test_real_photo_without_a_position_has_no_gps(name):
    # The Canon file has a GPS block holding only a version number.
    assert processed(name).gps is None


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("jpg_orientation_portrait_6.jpg", (450, 600)),
        ("jpg_orientation_landscape_3.jpg", (600, 450)),
    ],
)
def test_real_rotated_photo_matches_pillows_upright_view(name, size):
    data = photo(name)
    original = Image.open(io.BytesIO(data))
    # Both photos carry Apple's "Generic RGB" profile (gamma 1.8), so the reference is converted
    # to sRGB as well; without that the tones differ by ~13 levels on average.
    profile = ImageCms.ImageCmsProfile(io.BytesIO(original.info["icc_profile"]))
    srgb = ImageCms.createProfile("sRGB")
    reference = ImageCms.profileToProfile(ImageOps.exif_transpose(original), profile, srgb)

    result = process_image(data, **LIMITS)

    content = decoded(result.content).convert("RGB")
    assert content.size == reference.size == size
    # Same picture the same way up: small difference against the upright reference, large
    # against the unrotated one (the 180-degree case would keep the size but not the pixels).
    difference = sum(ImageStat.Stat(ImageChops.difference(content, reference)).mean) / 3
    wrong_way = reference.rotate(180)
    wrong_difference = sum(ImageStat.Stat(ImageChops.difference(content, wrong_way)).mean) / 3
    assert difference < 6 < wrong_difference


def test_display_p3_photo_is_converted_to_srgb():
    # The iPhone photo carries a Display P3 profile, which is dropped; its colours must be
    # converted first. A P3 mid-red embedded in a JPEG shows the conversion.
    p3_profile = decoded(photo("heic_mobile_iphone_13_pro_max.HEIC")).info["icc_profile"]
    source = Image.new("RGB", (40, 40), (200, 60, 60))

    tagged = process_image(encode(source, quality=100, icc_profile=p3_profile), **LIMITS)
    untagged = process_image(encode(source, quality=100), **LIMITS)

    red_tagged = decoded(tagged.content).getpixel((20, 20))
    red_untagged = decoded(untagged.content).getpixel((20, 20))
    assert red_tagged[0] > red_untagged[0] + 5  # the same P3 red is a more saturated sRGB red
    assert_clean_jpeg(tagged.content)


def test_progressive_encoding_without_the_optimize_flag_gives_the_same_bytes():
    from core.images import _encode_jpeg

    img = Image.open(io.BytesIO(encode(quadrants(640, 480)))).convert("RGB")
    both = io.BytesIO()
    img.save(both, "JPEG", quality=85, optimize=True, progressive=True)
    assert _encode_jpeg(img.copy()) == both.getvalue()
