"""The filters of every metric, read the same way by the API, the dashboard and the exports.

Dates are ``YYYY-MM-DD`` calendar days in Vietnam; by default the period runs from the first day
of the current month to today. Agency, category and ward are codes; an agency outside what the
viewer may see is not a valid choice.
"""
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.forms import BboxField
from core.geo import MAX_FEATURES, MIN_CELLS
from core.devices import DeviceClass
from core.models import Category, Ward
from metrics.public import default_period
from metrics.scope import MetricsFilter
from workflow.models import Channel
from workflow.visibility import figure_agencies

DATE_FORMATS = ["%Y-%m-%d"]
# Outside this range a date is a typo, and the far end would overflow the period arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def today_local():
    return timezone.localdate()


def _date_fields(date_from, date_to):
    """"from" and "to" (a Python keyword, so the fields are added by name), with their defaults."""
    return {
        "from": forms.DateField(label=_("Từ ngày"), required=False, input_formats=DATE_FORMATS,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                initial=date_from),
        "to": forms.DateField(label=_("Đến ngày"), required=False, input_formats=DATE_FORMATS,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              initial=date_to),
    }


def clean_period(form, cleaned):
    """Both days within the years a date may be, the defaults for those left empty, in order."""
    for name in ("from", "to"):
        day = cleaned.get(name)
        if day and not EARLIEST <= day <= LATEST:
            form.add_error(name, _("Chọn ngày trong khoảng %(a)d–%(b)d.") % {"a": EARLIEST.year, "b": LATEST.year})
    if "from" in cleaned and "to" in cleaned:
        cleaned["from"] = cleaned["from"] or form.fields["from"].initial
        cleaned["to"] = cleaned["to"] or form.fields["to"].initial
        if cleaned["from"] > cleaned["to"]:
            form.add_error("to", _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
    return cleaned


class MetricsFilterForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, to_field_name="code", required=False,
                                    empty_label=_("Tất cả cơ quan"))
    category = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Category.objects.all(), to_field_name="code",
                                      required=False, empty_label=_("Tất cả lĩnh vực"))
    ward = forms.ModelChoiceField(label=_("Phường/xã"), queryset=Ward.objects.all(), to_field_name="code",
                                  required=False, empty_label=_("Tất cả phường/xã"))
    channel = forms.ChoiceField(label=_("Kênh"), choices=[("", _("Mọi kênh")), *Channel.choices], required=False)
    device = forms.ChoiceField(label=_("Thiết bị"), choices=[("", _("Mọi thiết bị")), *DeviceClass.choices],
                               required=False)

    def __init__(self, data=None, *, actor, **kwargs):
        super().__init__(data, **kwargs)
        today = today_local()
        self.fields = {**_date_fields(today.replace(day=1), today), **self.fields}
        self.fields["agency"].queryset = figure_agencies(actor)

    def clean(self):
        return clean_period(self, super().clean())

    def filters(self):
        """The valid form's ``MetricsFilter``."""
        c = self.cleaned_data
        return MetricsFilter(date_from=c["from"], date_to=c["to"], agency=c.get("agency"), category=c.get("category"),
                             ward=c.get("ward"), channel=c.get("channel") or "", device=c.get("device") or "")


def parse_filters(data, *, actor):
    """The filters in ``data`` (query parameters); ``ValidationFailed`` with field errors otherwise."""
    form = MetricsFilterForm(data, actor=actor)
    if not form.is_valid():
        raise ValidationFailed(fields={name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.filters()


def default_filters(*, actor):
    return parse_filters({}, actor=actor)


class PublicPeriodForm(forms.Form):
    """The public statistics' period: ``from`` and ``to``, by default the last 12 months."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields = _date_fields(*default_period(today_local()))

    def clean(self):
        return clean_period(self, super().clean())

    def period(self):
        """(from, to) of the valid form."""
        return self.cleaned_data["from"], self.cleaned_data["to"]


class MapAreaForm(forms.Form):
    """The dashboard map's box (default: the province) and how many cells it may be cut into."""

    bbox = BboxField()
    cells = forms.IntegerField(required=False, min_value=MIN_CELLS, max_value=MAX_FEATURES)
