"""Helpers shared by the intake and citizen API tests: photos made with Pillow, a valid submission."""
import io
import json
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

SUBMIT_URL = "/api/v1/feedback/"
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
DESKTOP_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")
CONTACT = {"contact_name": "Nguyễn Thị Hoa", "contact_phone": "0912345678", "contact_email": "hoa.nguyen@example.vn"}


def jpeg(colour=(200, 30, 30), size=(64, 48), gps=None):
    """A small JPEG; with ``gps=(lat, lon)`` it carries that position in EXIF, as a phone's would."""
    img = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    params = {"exif": _gps_exif(*gps)} if gps else {}
    img.save(buffer, "JPEG", **params)
    return buffer.getvalue()


def _dms(degrees):
    whole = int(degrees)
    minutes = int((degrees - whole) * 60)
    seconds = round(((degrees - whole) * 60 - minutes) * 60 * 1000)
    return (IFDRational(whole, 1), IFDRational(minutes, 1), IFDRational(seconds, 1000))


def _gps_exif(latitude, longitude):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: _dms(latitude),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: _dms(longitude),
    }
    return exif


def upload(data=None, name="IMG_0001.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type=content_type)


def on_site_data(world, **overrides):
    """A valid on-site submission as a phone's form would send it (multipart)."""
    data = {
        "kind": "on_site", "category": world.category.code, "title": "Đèn đường hỏng",
        "description": "Đèn đường trước số 12 phố Nguyễn Trãi đã hỏng một tuần, buổi tối rất tối.",
        "latitude": "21.186123", "longitude": "106.076456", "address": "12 Nguyễn Trãi",
        "ward": world.ward.code, "publish_consent": "true", "photos": [upload()], **CONTACT,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def procedure_json(world, **overrides):
    data = {"kind": "procedure", "category": world.category.code, "title": "Hồ sơ cấp phép xây dựng chậm",
            "description": "Tôi nộp hồ sơ xin phép xây dựng đã hơn một tháng mà chưa có kết quả.",
            "publish_consent": False, **CONTACT}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_multipart(client, data, url=SUBMIT_URL, **headers):
    headers.setdefault("HTTP_USER_AGENT", PHONE_UA)
    return client.post(url, data, **headers)


def post_json(client, data, url=SUBMIT_URL, **headers):
    headers.setdefault("HTTP_USER_AGENT", PHONE_UA)
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def media_files(root):
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _dirs, names in os.walk(root) for name in names)
