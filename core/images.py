"""The photo pipeline: every photo a citizen attaches passes through :func:`process_image`.

Rules it enforces, in the order they are checked:

1. Size: more than ``PAKN_PHOTO_MAX_BYTES`` is refused with ``PayloadTooLarge`` (413). A stream is
   read only up to the limit plus one byte, so an oversized upload is never held in memory whole.
2. Format, from the content only (magic bytes, never the file name or declared content type):
   JPEG, PNG, WebP and HEIC/HEIF are accepted, anything else is ``ImageRejected`` with code
   ``unsupported_format``. Only the decoder of the sniffed format ever parses the bytes, so no
   other Pillow plugin (TIFF, EPS, ...) is reachable from an upload.
3. Pixels, from the header before any decoding: more than ``PAKN_PHOTO_MAX_PIXELS`` (or Pillow's own
   ``Image.MAX_IMAGE_PIXELS``, whichever is lower) is ``too_many_pixels``. Pillow's
   ``DecompressionBombError``/``Warning`` map to the same code.
4. Integrity: the image is fully decoded; a truncated or corrupt file is ``broken_image``. No other
   exception escapes for bad input. ``ImageFile.LOAD_TRUNCATED_IMAGES`` is never touched. A large
   JPEG is decoded by libjpeg-turbo at a reduced scale (strictly: any warning sends it to Pillow's
   decoder instead, which then accepts or refuses it as for every other photo).
5. GPS is read from EXIF (JPEG, HEIC, PNG, WebP) before anything is dropped; (0, 0) and
   out-of-range values count as absent.
6. The stored copy is upright (EXIF orientation applied), sRGB, RGB with transparency flattened onto
   white, long side at most ``PAKN_PHOTO_MAX_SIDE`` and a thumbnail at most
   ``PAKN_PHOTO_THUMB_SIDE``; both are JPEG files with no metadata at all: no EXIF, XMP, ICC
   profile or comment, so nothing the phone recorded (GPS, device, owner) leaks with the photo.

Global Pillow state is left alone apart from registering the HEIF opener.

Several photos of one request go through :func:`process_photos`, which adds two bounds on cost:

7. A pixel budget per request (``PAKN_PHOTO_REQUEST_MAX_PIXELS``), checked on the headers of
   every photo before any is decoded: five photos at the per-photo limit would cost five times
   its memory and time. Over it: ``ImageRejected`` with code ``too_many_pixels``.
8. Decoding runs on one bounded pool of worker threads per process (``PAKN_PHOTO_WORKERS``): however
   many requests carry photos at once, at most that many decodes run (and hold their pixels in
   memory) at any moment; the other requests' threads keep the remaining CPU.
"""
from __future__ import annotations

import io
import math
import os
import struct
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

import pillow_heif
import simplejpeg
from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS
from PIL.JpegImagePlugin import JpegImageFile

from core.errors import PayloadTooLarge, ValidationFailed

pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_REQUEST_MAX_PIXELS = 100_000_000
DEFAULT_MAX_SIDE = 2048
DEFAULT_THUMB_SIDE = 400
JPEG_QUALITY = 85

# A JPEG is decoded at a reduced scale for a fraction of the work whenever the decoded copy still
# has at least max_side pixels on its long side, so the stored copy is exactly the size asked:
# libjpeg-turbo (simplejpeg) scales by M/8 (a 4032 px phone photo decodes at 5/8, 2520 px);
# Pillow's own draft() only by 1/2, 1/4 or 1/8 (its fallback: a 6000 px photo at 3000 px).

# pillow-heif's own list (as_plugin._is_supported_heif); "avif" is absent on purpose.
_HEIF_BRANDS = frozenset(
    (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
)

# What Pillow and its C decoders raise on hostile or damaged input. Programming errors
# (AttributeError, NameError, ...) are left out on purpose so they still surface as bugs.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError, EOFError,
    struct.error, ZeroDivisionError, OverflowError, RuntimeError,
)

_MAX_TOP_LEVEL_BOXES = 64
_SRGB = ImageCms.createProfile("sRGB")
_WHITE = (255, 255, 255)


class ImageRejected(ValidationFailed):
    """The upload is not a photo we can keep. ``code`` is ``unsupported_format``, ``broken_image``
    or ``too_many_pixels``; ``message`` is shown to the citizen as is."""

    code = "broken_image"
    default_message = gettext_lazy("Tệp ảnh bị hỏng hoặc không đọc được. Vui lòng chọn ảnh khác.")


@dataclass(frozen=True)
class ProcessedImage:
    """What an accepted photo becomes; the upload itself is not kept."""

    content: bytes = field(repr=False)  # the stored JPEG: upright, sRGB, no metadata
    thumbnail: bytes = field(repr=False)  # JPEG, long side <= thumb_side, no metadata
    width: int  # of ``content``
    height: int
    source_format: str  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    gps: tuple[float, float] | None  # (latitude, longitude) in decimal degrees


def process_image(
    data: bytes | BinaryIO,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    max_side: int | None = None,
    thumb_side: int | None = None,
) -> ProcessedImage:
    """Check an uploaded photo and turn it into the copy we store and its thumbnail.

    A stream is read from its current position. Limits left as ``None`` come from settings at
    call time. Raises ``PayloadTooLarge`` or ``ImageRejected`` and nothing else for bad input.
    """
    max_bytes = _setting(max_bytes, "PAKN_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_pixels = _setting(max_pixels, "PAKN_PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    max_side = _setting(max_side, "PAKN_PHOTO_MAX_SIDE", DEFAULT_MAX_SIDE)
    thumb_side = _setting(thumb_side, "PAKN_PHOTO_THUMB_SIDE", DEFAULT_THUMB_SIDE)
    raw = _read_limited(data, max_bytes)
    source_format = _sniff_format(raw)
    # Everything happens inside the `with`: closing a Pillow image invalidates its pixels, and
    # `stored` is often the very same object as `img`.
    with _rejecting_undecodable(max_pixels), _open(raw, source_format, max_pixels) as img:
        gps = _read_gps(img)
        icc_profile = img.info.get("icc_profile")
        # A large JPEG is decoded by libjpeg-turbo at a reduced scale; anything that path declines
        # or fails on takes Pillow's, which also decides whether a damaged file is refused.
        shrunk = _scaled_jpeg(raw, img, max_side)
        if shrunk is None:
            shrunk = _shrink(_to_rgb(_decode(img, max_side)), max_side)
        # Turned upright after shrinking: rotating a 2048 px copy costs a quarter of a 4032 px one.
        stored = _upright(_to_srgb(shrunk, icc_profile), img)
        thumbnail = _thumbnail(stored, thumb_side)
        return ProcessedImage(
            content=_encode_jpeg(stored),
            thumbnail=_encode_jpeg(thumbnail),
            width=stored.width,
            height=stored.height,
            source_format=source_format,
            gps=gps,
        )


def _setting(value: int | None, name: str, default: int) -> int:
    return value if value is not None else getattr(settings, name, default)


# --- several photos of one request --------------------------------------------------------------


def _in_language(language: str | None, raw: bytes) -> ProcessedImage:
    # A pool thread has no request: refusals are worded in the requester's language.
    with translation.override(language):
        return process_image(raw)


def check_request_pixels(photos: Sequence[bytes], limit: int | None = None) -> None:
    """Refuse a request whose photos add up to more pixels than the budget, from headers only."""
    limit = _setting(limit, "PAKN_PHOTO_REQUEST_MAX_PIXELS", DEFAULT_REQUEST_MAX_PIXELS)
    if sum(header_pixels(raw) for raw in photos) > limit:
        message = _("Tổng độ phân giải các ảnh quá lớn (tối đa %(limit)s megapixel cho một lần gửi). "
                    "Hãy gửi ít ảnh hơn hoặc ảnh nhỏ hơn.") % {"limit": _millions(limit, 1_000_000)}
        raise ImageRejected(message, code="too_many_pixels", fields={"photos": [message]})


def header_pixels(raw: bytes) -> int:
    """Width × height from the header without decoding; 0 when unreadable (the pipeline then
    refuses that photo with the precise reason)."""
    try:
        source_format = _sniff_format(raw)
        if source_format == "HEIF":
            _check_boxes_complete(raw)
        with Image.open(io.BytesIO(raw), formats=[source_format]) as img:
            return img.width * img.height
    except (ImageRejected, UnidentifiedImageError, *_DECODE_ERRORS):
        return 0


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def decode_pool() -> ThreadPoolExecutor:
    """The process's one pool of decoding threads, made on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            workers = getattr(settings, "PAKN_PHOTO_WORKERS", None) or max(1, (os.cpu_count() or 2) // 2)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pakn-photo")
        return _pool


# --- Reading and recognising the upload -------------------------------------------------------


def _read_limited(data: bytes | BinaryIO, max_bytes: int) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raw = _read_at_most(data, max_bytes + 1)
    if len(raw) > max_bytes:
        message = _("Ảnh quá lớn (tối đa %(limit)s MB).") % {"limit": _millions(max_bytes, 2**20)}
        raise PayloadTooLarge(message)
    if not raw:
        raise ImageRejected(_("Tệp ảnh trống. Vui lòng chọn lại ảnh."), code="broken_image")
    return raw


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    # A raw stream may return fewer bytes than asked: read until EOF or until it is known too big.
    chunks, total = [], 0
    while total < limit:
        chunk = stream.read(limit - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _sniff_format(raw: bytes) -> str:
    """Name the format from the magic bytes, or refuse: the name and content type are the
    client's word, the bytes are what a decoder will actually parse."""
    if raw[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    if raw[4:8] == b"ftyp" and raw[8:12] in _HEIF_BRANDS:
        return "HEIF"
    raise ImageRejected(
        _("Định dạng ảnh không được hỗ trợ. Vui lòng gửi ảnh JPEG, PNG, WebP hoặc HEIC."),
        code="unsupported_format",
    )


def _open(raw: bytes, source_format: str, max_pixels: int) -> Image.Image:
    if source_format == "HEIF":
        _check_boxes_complete(raw)
    try:
        # Only the sniffed format's plugin may parse the bytes (a phone JPEG with a depth map
        # still opens: Pillow's JPEG plugin hands back an MPO image for it).
        img = Image.open(io.BytesIO(raw), formats=[source_format])
    except UnidentifiedImageError as exc:
        # The magic bytes promised an image but the header is unreadable.
        raise _broken() from exc
    _check_pixels(img, max_pixels)
    return img


def _check_boxes_complete(raw: bytes) -> None:
    """Refuse a HEIC whose top-level boxes run past the end of the file.

    libheif does not fail on a cut-off iPhone photo: it paints the tiles it cannot find green
    (its "strict decoding" is off and pillow-heif has no switch for it). An interrupted upload
    is the common way to get such a file, and it shows as a box longer than what arrived.
    """
    position = 0
    for _box in range(_MAX_TOP_LEVEL_BOXES):  # a real HEIC has a handful; don't loop on junk
        if position + 8 > len(raw):
            return
        size = int.from_bytes(raw[position : position + 4], "big")
        if not all(32 <= byte < 127 for byte in raw[position + 4 : position + 8]):
            return  # not a box type: trailing data some phones append, left to the decoder
        if size == 0:
            return  # the last box runs to the end of the file, whatever its length
        if size == 1:  # a 64-bit size follows the box type
            size = int.from_bytes(raw[position + 8 : position + 16], "big")
        if size < 8 or position + size > len(raw):
            raise _broken()
        position += size


def _check_pixels(img: Image.Image, max_pixels: int) -> None:
    # Header dimensions only: nothing has been decoded yet. Pillow's own bomb limit is honoured
    # too, as an ordinary comparison rather than a process-wide warnings filter.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    if img.width * img.height > limit:
        raise _too_many_pixels(limit)


@contextmanager
def _rejecting_undecodable(max_pixels: int) -> Iterator[None]:
    """Turn whatever the decoders raise on hostile or damaged input into ``ImageRejected``.

    ``DecompressionBombWarning`` is caught here too: it only arrives as an exception when the
    process runs with warnings as errors. ``warnings.catch_warnings()`` is deliberately not
    used, as it swaps the process-wide filter list and is not safe with threaded servers.
    """
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from exc
    except _DECODE_ERRORS as exc:
        raise _broken() from exc


def _broken() -> ImageRejected:
    return ImageRejected(
        _("Tệp ảnh bị hỏng hoặc không đọc được. Vui lòng chọn ảnh khác."), code="broken_image"
    )


def _too_many_pixels(limit: int) -> ImageRejected:
    message = _("Ảnh có độ phân giải quá lớn (tối đa %(limit)s megapixel).")
    return ImageRejected(message % {"limit": _millions(limit, 1_000_000)}, code="too_many_pixels")


def _millions(value: int, unit: int) -> str:
    amount = value / unit
    return number_format(int(amount) if amount.is_integer() else round(amount, 1))


# --- GPS ------------------------------------------------------------------------------------


def _read_gps(img: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) from the EXIF GPS block, or None when it is absent or implausible.

    Never raises: a damaged GPS block must not cost the citizen their photo.
    """
    try:
        gps = img.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef), "NS")
        longitude = _degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef), "EW")
    except _DECODE_ERRORS:
        return None
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None  # (0, 0) is what a phone writes when it had no fix
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def _degrees(value, ref, refs: str) -> float | None:
    """Degrees/minutes/seconds rationals plus an N/S or E/W reference, as signed degrees."""
    if value is None:
        return None
    parts = value if isinstance(value, tuple) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    numbers = [float(part) for part in parts]  # IFDRational x/0 becomes nan, refused below
    if not all(math.isfinite(n) and n >= 0 for n in numbers):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    ref = ref.strip("\x00 ").upper() if isinstance(ref, str) else ""
    if len(ref) != 1 or ref not in refs:  # "NS" or "EW"; without a reference the sign is unknown
        return None
    degrees = sum(n / 60**i for i, n in enumerate(numbers))
    return -degrees if ref == refs[1] else degrees


# --- Decoding and producing the stored copy --------------------------------------------------


def _scaled_jpeg(raw: bytes, img: Image.Image, max_side: int) -> Image.Image | None:
    """A large JPEG shrunk to ``max_side`` from libjpeg-turbo's decode at the smallest M/8 scale
    (1/8 ... 7/8) that keeps the long side at least ``max_side``; None to take Pillow's path.

    libjpeg-turbo scales in the DCT domain, so a 12 MP photo costs what a 4.8 MP one does to
    decode and to resample, where Pillow's draft() can only halve (4032 / 2 = 2016 < 2048).
    Declined: other formats, CMYK/YCCK (Adobe's inverted inks are Pillow's business), photos too
    small for any scale below 8/8, and a header libjpeg-turbo reads differently from Pillow. The
    decode is strict: any warning (a truncated scan, extraneous bytes) aborts it and the photo
    takes Pillow's path, which refuses a truncated file and accepts what it accepts today. An MPO
    (a phone JPEG with a depth or gain map appended) decodes its first picture, as Pillow does.
    Only the header was parsed by Pillow: EXIF (orientation, GPS) and the ICC profile are read
    from ``img`` as for every other photo.
    """
    if not isinstance(img, JpegImageFile) or img.mode not in ("RGB", "L"):
        return None
    width, height = img.size
    size = _fit(width, height, max_side)
    if size is None:
        return None
    # At least max_side on the long side; the short side follows (DCT scaling keeps the aspect).
    at_least = {"min_width": max_side} if width >= height else {"min_height": max_side}
    try:
        full_height, full_width, colour_space, _ = simplejpeg.decode_jpeg_header(raw)
        scaled_height, scaled_width, _, _ = simplejpeg.decode_jpeg_header(raw, **at_least)
        if (full_width, full_height) != (width, height) or colour_space not in ("YCbCr", "Gray"):
            return None
        if scaled_width == width:
            return None  # no scale below 8/8 is big enough: Pillow decodes in full just as fast
        pixels = simplejpeg.decode_jpeg(raw, colorspace="RGB", strict=True, **at_least)
    except _DECODE_ERRORS:
        return None
    if pixels.shape != (scaled_height, scaled_width, 3):
        return None
    decoded = Image.fromarray(pixels)
    del pixels
    return decoded.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _fit(width: int, height: int, side: int) -> tuple[int, int] | None:
    """The size ``Image.thumbnail((side, side))`` gives a ``width`` × ``height`` image, None when
    it is not shrunk: a photo decoded at reduced scale is stored at the size a full decode gives."""
    if width <= side and height <= side:
        return None
    aspect = width / height

    def round_aspect(number: float, key) -> int:
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if aspect <= 1:
        return round_aspect(side * aspect, key=lambda n: abs(aspect - n / side)), side
    return side, round_aspect(side / aspect, key=lambda n: 0 if n == 0 else abs(aspect - side / n))


def _decode(img: Image.Image, max_side: int) -> Image.Image:
    _draft(img, max_side)
    img.load()  # the full decode: truncated or corrupt data surfaces here, not in a later step
    return img


def _upright(img: Image.Image, source: Image.Image) -> Image.Image:
    """Apply the source's EXIF orientation (read from the upload, whatever conversions made ``img``)."""
    orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
    method = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}.get(orientation)
    return img.transpose(method) if method is not None else img


def _draft(img: Image.Image, max_side: int) -> None:
    """Ask libjpeg for a 1/2, 1/4 or 1/8 scale decode when the photo will be shrunk anyway.

    Computed on the stored (pre-rotation) dimensions: the scale is the same for both sides and
    rotation keeps the long side, so EXIF orientations 5-8 that swap width and height need no
    special case. Requesting (width // scale, height // scale) makes Pillow pick exactly `scale`.
    """
    if not isinstance(img, JpegImageFile):  # MPO is a JpegImageFile too; PNG/WebP/HEIF cannot
        return
    width, height = img.size
    long_side = max(width, height)
    for scale in (8, 4, 2):
        if long_side // scale >= max_side:
            img.draft("RGB", (width // scale, height // scale))
            return


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode.startswith("I"):
        # 16-bit greyscale PNG: convert() would clip everything above 255 to white; scale instead.
        img = img.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if img.has_transparency_data:
        rgba = img.convert("RGBA")
        flattened = Image.new("RGB", img.size, _WHITE)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return img if img.mode == "RGB" else img.convert("RGB")


def _shrink(img: Image.Image, side: int) -> Image.Image:
    # reducing_gap: a cheap integer-factor reduce first, then Lanczos for the rest; 3.0 keeps it
    # indistinguishable from a pure Lanczos resize (Pillow's documentation).
    img.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return img


def _thumbnail(img: Image.Image, side: int) -> Image.Image:
    """A new image with the long side at most ``side`` (what thumbnail() does, without copying first)."""
    ratio = min(side / img.width, side / img.height, 1)
    if ratio == 1:
        return img.copy()
    size = (max(1, round(img.width * ratio)), max(1, round(img.height * ratio)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert wide-gamut photos (iPhones shoot Display P3) to sRGB, since the profile is dropped.

    Without this, a P3 photo shown without its profile looks washed out. A profile that cannot
    be read is ignored: the pixels are kept as they are rather than refusing the photo.
    """
    if not icc_profile or img.mode != "RGB":
        return img
    try:
        transform = _srgb_transform(bytes(icc_profile))
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return img
    if transform is not None:
        ImageCms.applyTransform(img, transform, inPlace=True)
    return img


@lru_cache(maxsize=16)
def _srgb_transform(icc_profile: bytes) -> ImageCms.ImageCmsTransform | None:
    # Phones embed the same few profiles, so a transform is built once per profile. NOCACHE:
    # lcms's one-pixel cache inside a transform is not safe when threads share the transform.
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    if source.profile.xcolor_space.strip() != "RGB":
        return None
    # Cameras tag plain sRGB too; converting it to itself would cost ~75 ms per 3 MP for nothing.
    if source.profile.profile_description.lower().startswith("srgb"):
        return None
    return ImageCms.buildTransform(source, _SRGB, "RGB", "RGB", flags=ImageCms.Flags.NOCACHE)


def _encode_jpeg(img: Image.Image) -> bytes:
    # Pillow writes a JPEG comment from img.info by default; nothing from the upload may survive.
    img.info = {}
    buffer = io.BytesIO()
    # Progressive: libjpeg then always builds optimised Huffman tables, so optimize=True would only
    # run that pass twice for the very same bytes (tests/core/test_images.py checks they match).
    img.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True)
    return buffer.getvalue()


# --- a batch of uploads: what a submission, a citizen's reply and an answer all attach ----------

def check_photo_count(photos) -> None:
    """At most ``PAKN_PHOTO_MAX_COUNT`` photos per submission, reply or answer."""
    limit = settings.PAKN_PHOTO_MAX_COUNT
    if len(photos) > limit:
        raise ValidationFailed(fields={"photos": [_("Gửi tối đa %(n)d ảnh.") % {"n": limit}]})


def read_upload(photo) -> bytes:
    """An upload's bytes (or the bytes given), read only up to one byte past the limit: the
    pipeline refuses what is over it without the whole file ever being held."""
    if isinstance(photo, (bytes, bytearray, memoryview)):
        return bytes(photo)
    photo.seek(0)
    return photo.read(settings.PAKN_PHOTO_MAX_BYTES + 1)


def process_photos(photos) -> list[ProcessedImage]:
    """Count, check the request's pixel budget on the headers, then run every photo through the
    pipeline on the decoding pool; the first refusal names the photo ("Ảnh 2: …") and is reported
    under ``photos``, with the status of the refusal (400 or 413)."""
    check_photo_count(photos)
    raws = [read_upload(photo) for photo in photos]
    check_request_pixels(raws)
    language = translation.get_language()
    processed = []
    for number, raw in enumerate(raws, start=1):
        try:
            processed.append(decode_pool().submit(_in_language, language, raw).result())
        except (ImageRejected, PayloadTooLarge) as exc:
            message = _("Ảnh %(n)d: %(reason)s") % {"n": number, "reason": exc.message}
            raise type(exc)(message, code=exc.code, fields={"photos": [message]}) from exc
    return processed
