"""Forms of the citizen's pages: the submission form and the three actions on the private page.

These forms render the fields and keep what was typed; they do not decide what is valid. The
intake service (``feedback.services``) checks every rule and raises ``ValidationFailed`` with
errors per field, which :meth:`CitizenForm.show_errors` puts back next to each field. One set of
rules therefore serves the web form, the API and Open311 alike.
"""
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.forms import BboxField, MultipleFileInput
from core.geo import MAX_FEATURES, MIN_CELLS
from core.models import Category, Kind, Ward
from workflow.models import OFFICER_CHANNELS, Channel
from workflow.models import Rating
from workflow.transitions import MESSAGE_MAX_LENGTH


class CategorySelect(forms.Select):
    """A select whose options carry ``data-kinds`` so the page can offer only the fields of one kind."""

    def __init__(self, *args, kinds_by_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds_by_code = kinds_by_code or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        kinds = self.kinds_by_code.get(str(value))
        if kinds is not None:
            option["attrs"]["data-kinds"] = " ".join(kinds or Kind.values)
        return option


class CitizenForm(forms.Form):
    required_css_class = "required"
    # Error names the page shows in a place of their own although they are not one input.
    error_slots = ()

    def show_errors(self, errors):
        """Show the service's errors (``{field: [message, …]}``) without re-checking anything here."""
        self.cleaned_data = {}
        self._errors = ErrorDict()
        for name, messages in (errors or {}).items():
            if isinstance(messages, (str, bytes)) or not hasattr(messages, "__iter__"):
                messages = [messages]
            key = name if name in self.fields or name in self.error_slots else forms.forms.NON_FIELD_ERRORS
            current = self._errors.setdefault(key, self.error_class(renderer=self.renderer))
            current.extend(str(message) for message in messages)


def _category_choices():
    categories = list(Category.objects.active().only("code", "name_vi", "name_en", "kinds"))
    choices = [("", _("— Chọn lĩnh vực —"))] + [(c.code, c.name) for c in categories]
    return choices, {c.code: list(c.kinds or []) for c in categories}


def _ward_choices():
    wards = Ward.objects.filter(is_active=True).values_list("code", "name")
    return [("", _("— Chọn phường/xã —"))] + list(wards)


class SubmissionForm(CitizenForm):
    """The citizen's feedback, field names as in the API (``POST /api/v1/feedback/``)."""

    error_slots = ("location",)

    kind = forms.ChoiceField(label=_("Loại phản ánh"), choices=Kind.choices, widget=forms.RadioSelect,
                             initial=Kind.ON_SITE)
    category = forms.ChoiceField(label=_("Lĩnh vực"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=200, widget=forms.TextInput(attrs={
        "placeholder": _("Ví dụ: Đèn đường hỏng trước số 12 phố Lý Thái Tổ"), "autocomplete": "off"}))
    description = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={
        "rows": 6, "placeholder": _("Mô tả sự việc: ở đâu, từ khi nào, ảnh hưởng thế nào…")}))
    photos = forms.FileField(label=_("Ảnh"), required=False, widget=MultipleFileInput(attrs={
        "accept": "image/*", "capture": "environment"}))
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=300, widget=forms.TextInput(attrs={
        "placeholder": _("Số nhà, đường, thôn/khu phố"), "autocomplete": "street-address"}))
    ward = forms.ChoiceField(label=_("Phường/xã"), required=False)
    contact_name = forms.CharField(label=_("Họ và tên"), required=False, max_length=120,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel",
                                                                  "autocomplete": "tel"}))
    contact_email = forms.CharField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={
        "autocomplete": "email"}))
    anonymous = forms.BooleanField(label=_("Gửi ẩn danh (không để lại thông tin liên hệ)"), required=False)
    publish_consent = forms.BooleanField(
        label=_("Đồng ý công khai nội dung và ảnh trên cổng (không kèm thông tin cá nhân)"), required=False)
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(label=_("Trang web (để trống)"), required=False, widget=forms.TextInput(attrs={
        "class": "hp", "autocomplete": "off", "tabindex": "-1"}))
    # One key per rendered form: a double tap or a resend after a dropped connection makes one case.
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices, kinds_by_code = _category_choices()
        self.fields["category"].choices = choices
        self.fields["category"].widget = CategorySelect(choices=choices, kinds_by_code=kinds_by_code)
        self.fields["ward"].choices = _ward_choices()
        self.fields["description"].widget.attrs["maxlength"] = settings.PAKN_DESCRIPTION_MAX_CHARS
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))

    @property
    def description_limit(self):
        return settings.PAKN_DESCRIPTION_MAX_CHARS

    @property
    def photo_limit(self):
        return settings.PAKN_PHOTO_MAX_COUNT

    def contact_fields(self):
        return [self[name] for name in ("contact_name", "contact_phone", "contact_email")]

    def is_bot(self):
        return bool(self.data.get("website", "").strip())

    def idempotency_key_value(self):
        return (self.data.get("idempotency_key") or "").strip() or None

    def with_fresh_key(self):
        """The same form with a new idempotency key: its old one already made a different case."""
        data = self.data.copy()
        data["idempotency_key"] = str(uuid.uuid4())
        return type(self)(data=data, files=self.files)


class OfficerEntryForm(SubmissionForm):
    """Reception types what a caller or a visitor says; field names as in the API (plus ``channel``)."""

    channel = forms.ChoiceField(label=_("Nhận qua"), choices=[(c.value, c.label) for c in OFFICER_CHANNELS],
                                widget=forms.RadioSelect, initial=Channel.HOTLINE)
    title = forms.CharField(label=_("Tiêu đề"), max_length=200, required=False, widget=forms.TextInput(attrs={
        "placeholder": _("Để trống: lấy dòng đầu của nội dung"), "autocomplete": "off"}))
    description = forms.CharField(label=_("Nội dung người dân trình bày"), widget=forms.Textarea(attrs={"rows": 6}))
    photos = forms.FileField(label=_("Ảnh người dân mang đến (nếu có)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*"}))
    contact_name = forms.CharField(label=_("Họ và tên người phản ánh"), required=False, max_length=120)
    contact_phone = forms.CharField(label=_("Số điện thoại (nhận mã theo dõi qua SMS)"), required=False,
                                    max_length=20, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    anonymous = forms.BooleanField(label=_("Người dân đề nghị ẩn danh (không lưu thông tin liên hệ)"), required=False)
    publish_consent = forms.BooleanField(
        label=_("Đã đọc cho người dân nghe và họ đồng ý công khai nội dung, ảnh (không kèm thông tin cá nhân)"),
        required=False)
    website = None
    latitude = None
    longitude = None

    def is_bot(self):
        return False


class ProvideInfoForm(CitizenForm):
    message = forms.CharField(label=_("Thông tin bổ sung"), max_length=MESSAGE_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}))
    photos = forms.FileField(label=_("Ảnh bổ sung (không bắt buộc)"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*"}))


class WithdrawForm(CitizenForm):
    confirm = forms.BooleanField(label=_("Tôi muốn rút phản ánh này; cơ quan sẽ dừng xử lý."))

    def confirmed(self):
        return bool(self.data.get("confirm"))


class RateForm(CitizenForm):
    rating = forms.ChoiceField(label=_("Bạn đánh giá kết quả trả lời thế nào?"), choices=Rating.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), required=False, max_length=MESSAGE_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}))


ACTION_FORMS = {"provide_info": ProvideInfoForm, "withdraw": WithdrawForm, "rate": RateForm}


class ExportForm(CitizenForm):
    """Ask for a copy of one's data: nothing to fill in."""


class EraseContactForm(CitizenForm):
    confirm = forms.BooleanField(label=_("Tôi muốn xoá họ tên, số điện thoại và email của tôi khỏi phản ánh này."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_erase_%s")  # the withdraw form on the same page has a "confirm" too
        super().__init__(*args, **kwargs)

    def confirmed(self):
        return bool(self.data.get("confirm"))


# The submitter's rights over their personal data, on the same page (feedback.lifecycle).
DATA_FORMS = {"export": ExportForm, "erase_contact": EraseContactForm}


# --- the public map ---------------------------------------------------------------------------------

MAP_PERIODS = (("30", _("30 ngày qua")), ("90", _("3 tháng qua")), ("365", _("12 tháng qua")))
DEFAULT_MAP_DAYS = 90
MAP_STATUS_CHOICES = (("", _("Tất cả")), ("open", _("Đang xử lý")), ("answered", _("Đã trả lời")))
_DATE_FORMATS = ["%Y-%m-%d"]


def _map_category_field():
    return forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Category.objects.active(), to_field_name="code",
                                  required=False, empty_label=_("Tất cả lĩnh vực"))


class MapQueryForm(forms.Form):
    """``GET /api/v1/public/map/``: ``from``, ``to`` (default: the last 90 days), ``category``,
    ``status`` (open / answered), ``bbox`` (default: the province) and ``cells`` (at most this
    many features; default ``core.geo.MAX_CELLS``)."""

    category = _map_category_field()
    status = forms.ChoiceField(choices=MAP_STATUS_CHOICES, required=False)
    bbox = BboxField()
    # How many grid cells the box may be cut into: a map on a small screen asks for fewer.
    cells = forms.IntegerField(required=False, min_value=MIN_CELLS, max_value=MAX_FEATURES)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(required=False, input_formats=_DATE_FORMATS)
        self.fields["to"] = forms.DateField(required=False, input_formats=_DATE_FORMATS)

    def clean(self):
        from django.utils import timezone

        cleaned = super().clean()
        today = timezone.localdate()
        if "from" in cleaned and "to" in cleaned:
            cleaned["to"] = cleaned["to"] or today
            cleaned["from"] = cleaned["from"] or cleaned["to"] - timedelta(days=DEFAULT_MAP_DAYS - 1)
            if cleaned["from"] > cleaned["to"]:
                self.add_error("to", _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
        return cleaned


class MapPageForm(forms.Form):
    """The public map page's filters: a period a citizen understands, category and state group;
    ``bbox`` narrows the list to a place (a cluster's link)."""

    period = forms.ChoiceField(label=_("Thời gian"), choices=MAP_PERIODS, required=False, initial=str(DEFAULT_MAP_DAYS))
    category = _map_category_field()
    status = forms.ChoiceField(label=_("Tình trạng"), choices=MAP_STATUS_CHOICES, required=False)
    bbox = BboxField(widget=forms.HiddenInput)

    def period_days(self):
        """The chosen period in days (the default when none or a wrong one was asked)."""
        self.is_valid()  # fills cleaned_data with the fields that are valid (none when unbound)
        return int(getattr(self, "cleaned_data", {}).get("period") or DEFAULT_MAP_DAYS)
