"""The rules a submission's fields must meet, in one place for the API and the HTML form.

The API validates with ``ApiSubmissionSerializer``; the form calls ``validate_submission(request.POST,
request.FILES)``. Both raise or return the same messages, in Vietnamese through gettext.
"""
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from core.api import _flatten
from core.devices import DEVICE_CLASSES
from core.errors import ValidationFailed
from core.images import check_photo_count
from core.models import Category, Kind, Ward
from feedback.services import COORDINATE_STEP
from workflow.models import OFFICER_CHANNELS, Channel, Rating

PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers are 10 digits (03x, 05x, 07x, 08x, 09x); landlines 11 (02xx + 7 or 8 digits).
VIETNAMESE_PHONE = re.compile(r"0[35789]\d{8}|02\d{9}")
TEXT_FIELDS = ("title", "description", "address", "contact_name")
TITLE_MAX_CHARS = 200


def normalise_phone(value: str) -> str:
    """``+84 912 345 678``, ``84912345678`` and ``0912.345.678`` all become ``0912345678``."""
    digits = PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def _messages(required=None, **more):
    messages = {"required": required, "blank": required, "null": required} if required else {}
    return {**messages, **more}


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class PhotoListField(serializers.Field):
    """Repeated ``photos`` file parts (multipart); at most ``PAKN_PHOTO_MAX_COUNT``."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):
            # A browser sends an empty file input as a part with no file name, which Django keeps
            # in POST as "": no photo chosen, not a photo sent the wrong way.
            return [item for item in dictionary.getlist(self.field_name, []) if item != ""]
        return dictionary.get(self.field_name) or []

    def to_internal_value(self, data):
        if not isinstance(data, (list, tuple)) or not all(isinstance(item, UploadedFile) for item in data):
            raise serializers.ValidationError(_("Ảnh phải được gửi dưới dạng tệp (multipart/form-data)."))
        try:
            check_photo_count(data)
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["photos"]) from None
        return list(data)

    def to_representation(self, value):
        return None


def title_from_description(description: str) -> str:
    """A title for a channel that has none (Open311, a phone call): the text's first line, cut to 200."""
    first_line = next((line.strip() for line in (description or "").splitlines() if line.strip()), "")
    return first_line[:TITLE_MAX_CHARS]


class FeedbackSubmissionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, error_messages=_messages(
        _("Chọn loại phản ánh."), invalid_choice=_("Loại phản ánh không hợp lệ.")))
    category = serializers.CharField(max_length=40, help_text=_("Mã lĩnh vực"),
                                     error_messages=_messages(_("Chọn lĩnh vực.")))
    title = serializers.CharField(max_length=200, error_messages=_messages(
        _("Nhập tiêu đề."), max_length=_("Tiêu đề tối đa {max_length} ký tự.")))
    description = serializers.CharField(max_length=settings.PAKN_DESCRIPTION_MAX_CHARS, error_messages=_messages(
        _("Nhập nội dung phản ánh."), max_length=_("Nội dung tối đa {max_length} ký tự.")))
    latitude = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90,
                                      error_messages=_messages(invalid=_("Vĩ độ phải là một số."),
                                                               min_value=_("Vĩ độ từ -90 đến 90."),
                                                               max_value=_("Vĩ độ từ -90 đến 90.")))
    longitude = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180,
                                       error_messages=_messages(invalid=_("Kinh độ phải là một số."),
                                                                min_value=_("Kinh độ từ -180 đến 180."),
                                                                max_value=_("Kinh độ từ -180 đến 180.")))
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="",
                                    error_messages={"max_length": _("Địa chỉ tối đa {max_length} ký tự.")})
    ward = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=10, default=None,
                                help_text=_("Mã phường/xã"))
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="",
                                         error_messages={"max_length": _("Họ tên tối đa {max_length} ký tự.")})
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="",
                                          error_messages={"max_length": _("Số điện thoại không hợp lệ.")})
    contact_email = serializers.EmailField(required=False, allow_blank=True, max_length=254, default="",
                                           error_messages={"invalid": _("Địa chỉ email không hợp lệ.")})
    anonymous = serializers.BooleanField(required=False, default=False)
    publish_consent = serializers.BooleanField(required=False, default=False)
    photos = PhotoListField()
    website = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                    help_text=_("Để trống (chống thư rác)."))

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        for name in TEXT_FIELDS:  # iOS and macOS may send decomposed Vietnamese letters
            if values.get(name):
                values[name] = unicodedata.normalize("NFC", values[name])
        return values

    def validate_category(self, value):
        category = Category.objects.active().filter(code=value.strip()).first()
        if category is None:
            raise serializers.ValidationError(_("Lĩnh vực không tồn tại hoặc đã ngừng sử dụng."))
        return category

    def validate_ward(self, value):
        if not value:
            return None
        ward = Ward.objects.filter(code=value.strip(), is_active=True).first()
        if ward is None:
            raise serializers.ValidationError(_("Phường/xã không tồn tại."))
        return ward

    def validate_contact_phone(self, value):
        if not value.strip():
            return ""
        phone = normalise_phone(value.strip())
        if not VIETNAMESE_PHONE.fullmatch(phone):
            raise serializers.ValidationError(_("Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."))
        return phone

    def validate(self, attrs):
        errors = {}
        category, kind = attrs.get("category"), attrs.get("kind")
        if category and kind and not category.applies_to(kind):
            errors["category"] = [_("Lĩnh vực này không áp dụng cho loại phản ánh đã chọn.")]
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            errors["latitude" if attrs.get("latitude") is None else "longitude"] = [
                _("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.")]
        if kind == Kind.ON_SITE and self.lacks_photo(attrs):
            errors["photos"] = [_("Phản ánh hiện trường cần ít nhất một ảnh.")]
        if errors:
            raise serializers.ValidationError(errors)
        for name in ("latitude", "longitude"):
            if attrs.get(name) is not None:
                attrs[name] = Decimal(str(attrs[name])).quantize(COORDINATE_STEP, ROUND_HALF_UP)
        return attrs

    def lacks_photo(self, attrs) -> bool:
        """Whether an on-site submission came without the photo it needs."""
        return not attrs.get("photos")


class ApiSubmissionSerializer(FeedbackSubmissionSerializer):
    """The API adds what a client may declare about itself."""

    device = serializers.ChoiceField(choices=DEVICE_CLASSES, required=False, error_messages={
        "invalid_choice": _("Thiết bị phải là mobile, tablet, desktop hoặc unknown.")},
        help_text=_("Loại thiết bị gửi; bỏ trống để máy chủ tự nhận biết."))
    channel = serializers.CharField(
        required=False, allow_blank=True, default=Channel.API, max_length=20,
        help_text=_("api (mặc định); hotline hoặc counter: chỉ cán bộ tiếp nhận đã đăng nhập, "
                    "khi nhập phản ánh nhận qua điện thoại hoặc tại quầy."))

    def lacks_photo(self, attrs) -> bool:
        # A PAKN told over the telephone or at the counter has no photo to send: reception enters
        # it as the citizen describes it (the staff page attaches photos a visitor brought).
        return attrs.get("channel") not in OFFICER_CHANNELS and super().lacks_photo(attrs)


class TitleFromDescriptionSerializer(FeedbackSubmissionSerializer):
    """For channels where the title may be left out: it is then the description's first line."""

    title = serializers.CharField(max_length=TITLE_MAX_CHARS, required=False, allow_blank=True, default="",
                                  error_messages={"max_length": _("Tiêu đề tối đa {max_length} ký tự.")})

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("title"):
            attrs["title"] = title_from_description(attrs.get("description"))
        return attrs


class OfficerEntrySerializer(TitleFromDescriptionSerializer):
    """What reception types on the hotline/counter page."""

    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in OFFICER_CHANNELS], error_messages=_messages(
        _("Chọn kênh: đường dây nóng hoặc quầy."), invalid_choice=_("Chọn kênh: đường dây nóng hoặc quầy.")))

    def lacks_photo(self, attrs) -> bool:
        return False  # see ApiSubmissionSerializer.lacks_photo


def _honeypot_filled(data) -> bool:
    value = data.get("website") if hasattr(data, "get") else None
    return bool(value and str(value).strip())


def validated_submission(serializer_class, data) -> dict:
    """Run the rules; raise ``ValidationFailed`` with ``fields={name: [messages]}`` when broken.

    A filled honeypot gets a generic refusal that tells a bot nothing about which field it hit.
    """
    if _honeypot_filled(data):
        raise ValidationFailed(_("Không thể gửi phản ánh. Vui lòng thử lại."), code="rejected")
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields=_flatten(dict(serializer.errors)))
    values = dict(serializer.validated_data)
    values.pop("website", None)
    return values


def validate_submission(data, files=None, *, serializer_class=None) -> dict:
    """For an HTML form: ``validate_submission(request.POST, request.FILES)``.

    Returns the validated values: the ``fields`` for ``feedback_submit`` plus ``photos`` (the list
    of uploads to pass as its ``photos``). The citizen's form by default; reception's page passes
    ``OfficerEntrySerializer``.
    """
    if files:
        merged = data.copy()
        merged.update(files)
        data = merged
    return validated_submission(serializer_class or FeedbackSubmissionSerializer, data)


# --- documentation of the other bodies ---------------------------------------------------------

class SubmissionResponseSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    private_url = serializers.URLField()


class CitizenActionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("Khóa riêng trong đường dẫn theo dõi (cũng nhận qua ?key=)."))
    message = serializers.CharField(required=False, help_text=_("provide_info: thông tin bổ sung; withdraw: lý do."))
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    comment = serializers.CharField(required=False)
    photos = PhotoListField()


class ActionResponseSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())


class WardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class NearbyQuerySerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90, error_messages=_messages(
        _("Cần vĩ độ."), invalid=_("Vĩ độ phải là một số."), min_value=_("Vĩ độ từ -90 đến 90."),
        max_value=_("Vĩ độ từ -90 đến 90.")))
    longitude = serializers.FloatField(min_value=-180, max_value=180, error_messages=_messages(
        _("Cần kinh độ."), invalid=_("Kinh độ phải là một số."), min_value=_("Kinh độ từ -180 đến 180."),
        max_value=_("Kinh độ từ -180 đến 180.")))
    category = serializers.CharField(required=False, allow_blank=True, max_length=40)


class NearbySerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    distance_m = serializers.IntegerField()
