"""Device class of a request: mobile, tablet, desktop or unknown.

The mobile handling indicator is computed from this, so the rule is explicit and tested. Client
hints win when the browser sends them (``Sec-CH-UA-Mobile: ?1`` is a phone); otherwise the
User-Agent decides. Tablets are told apart because an iPad or an Android tablet is not a phone.
"""
import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceClass(models.TextChoices):
    MOBILE = "mobile", _("Di động")
    TABLET = "tablet", _("Máy tính bảng")
    DESKTOP = "desktop", _("Máy tính")
    UNKNOWN = "unknown", _("Không rõ")


MOBILE, TABLET, DESKTOP, UNKNOWN = DeviceClass.MOBILE, DeviceClass.TABLET, DeviceClass.DESKTOP, DeviceClass.UNKNOWN
DEVICE_CLASSES = tuple(DeviceClass.values)

_TABLET_UA = re.compile(r"iPad|Tablet|PlayBook|Silk|Kindle|(Android(?!.*Mobile))", re.I)
_MOBILE_UA = re.compile(
    r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|IEMobile|Opera Mini|BlackBerry|BB10|"
    r"webOS|KaiOS|Zalo|CFNetwork|okhttp|Dalvik",
    re.I,
)
_DESKTOP_UA = re.compile(r"Windows NT|Macintosh|X11|Linux x86_64|CrOS", re.I)


def device_class_from_headers(user_agent: str | None, ch_mobile: str | None = None,
                              ch_platform: str | None = None) -> str:
    """Classify a client from its User-Agent and client hints."""
    if ch_mobile == "?1":
        return MOBILE
    ua = user_agent or ""
    if _TABLET_UA.search(ua):
        return TABLET
    if _MOBILE_UA.search(ua):
        return MOBILE
    if ch_mobile == "?0" and ch_platform:
        return DESKTOP
    if _DESKTOP_UA.search(ua):
        return DESKTOP
    return UNKNOWN


def device_class_of(request) -> str:
    meta = request.META
    return device_class_from_headers(
        meta.get("HTTP_USER_AGENT"),
        meta.get("HTTP_SEC_CH_UA_MOBILE"),
        meta.get("HTTP_SEC_CH_UA_PLATFORM"),
    )
