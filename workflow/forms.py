"""Forms of the officials' pages: the inbox filter and one small form per transition.

Transition forms are built from the transition's declaration (``workflow.transitions``: fields,
label, confirmation, secondary) so the page asks for exactly what the service needs. They only draw the inputs and show errors: the input is judged by
``perform_transition``, the same way as the API's, and its verdict is put back on the form.
"""
from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from core.forms import BboxField, MultipleFileInput
from core.models import Category, Ward
from workflow.models import Agency, State

class MultiplePhotosField(forms.FileField):
    """Several photos in one input; each is checked by the image pipeline in the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotosField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def _agency_field(spec):
    return forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True).order_by("path"), to_field_name="code",
        label=spec.label, required=spec.required, empty_label=_("— Chọn cơ quan —"),
    )


def _choice_field(spec):
    choices = [("", _("— Chọn —")), *list(spec.choices or [])]
    return forms.ChoiceField(choices=choices, label=spec.label, required=spec.required)


def _field_for(spec):
    if spec.kind == "agency":
        return _agency_field(spec)
    if spec.kind == "choice":
        return _choice_field(spec)
    if spec.kind == "int":
        return forms.IntegerField(label=spec.label, required=spec.required, min_value=1)
    if spec.kind == "textarea":
        return forms.CharField(label=spec.label, required=spec.required, max_length=spec.max_length,
                               widget=forms.Textarea(attrs={"rows": 4}))
    if spec.kind == "case":
        return forms.CharField(label=spec.label, required=spec.required, max_length=40,
                               help_text=_("Số hồ sơ hoặc mã theo dõi, ví dụ 125 hoặc BN-2611-0042-K7."))
    return forms.CharField(label=spec.label, required=spec.required, max_length=500)


class TransitionForm(forms.Form):
    """The fields one declared transition asks for (``workflow.transitions.Transition``)."""

    def __init__(self, transition, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{transition.name}_%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.name = transition.name
        self.start_open = False
        for spec in transition.fields:
            self.fields[spec.name] = _field_for(spec)
        if transition.takes_photos:
            self.fields["photos"] = MultiplePhotosField(label=_("Ảnh kết quả"), required=False,
                                                        help_text=_("Tối đa 5 ảnh: JPEG, PNG, WebP, HEIC."))

    @property
    def label(self):
        return self.transition.label

    @property
    def confirmation(self):
        return self.transition.confirmation

    @property
    def is_secondary(self):
        return self.transition.secondary

    def add_service_errors(self, fields, message):
        """Show the service's verdict: field errors by their fields, anything else above the form.

        The service is the one judge of the input, so the form's own checks are not run: it
        would only repeat the same messages in other words.
        """
        self._errors, self.cleaned_data = ErrorDict(), {}
        for field, errors in (fields or {}).items():
            errors = errors if isinstance(errors, (list, tuple)) else [errors]
            target = field if field in self.fields else None
            for error in errors:
                self.add_error(target, str(error))
        if not fields:
            self.add_error(None, str(message))


class InboxFilterForm(forms.Form):
    """The inbox filters, read from the query string; every field is optional."""

    state = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *State.choices])
    agency = forms.ModelChoiceField(label=_("Cơ quan"), required=False, to_field_name="code",
                                    queryset=Agency.objects.filter(is_active=True).order_by("path"),
                                    empty_label=_("Tất cả"))
    category = forms.ModelChoiceField(label=_("Lĩnh vực"), required=False, to_field_name="code",
                                      queryset=Category.objects.active(), empty_label=_("Tất cả"))
    ward = forms.ModelChoiceField(label=_("Phường/xã"), required=False, to_field_name="code",
                                  queryset=Ward.objects.filter(is_active=True).order_by("name"), empty_label=_("Tất cả"))
    overdue = forms.BooleanField(label=_("Chỉ hồ sơ quá hạn"), required=False)
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Mã theo dõi hoặc nội dung")}))
    # A place picked on the dashboard's map (a cluster, a cell): minlon,minlat,maxlon,maxlat.
    bbox = BboxField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the period's fields are added by name (the dashboard's names).
        for name, label in (("from", _("Gửi từ ngày")), ("to", _("Đến ngày"))):
            self.fields[name] = forms.DateField(label=label, required=False, input_formats=["%Y-%m-%d"],
                                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def filters(self):
        """Keyword arguments for ``selectors.case_list``; nothing when the input is invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "state": data["state"] or None,
            "agency": data["agency"].code if data["agency"] else None,
            "category": data["category"].code if data["category"] else None,
            "ward": data["ward"].code if data["ward"] else None,
            "overdue": True if data["overdue"] else None,
            "q": data["q"].strip() or None,
            "area": data["bbox"],
            "submitted_from": data["from"],
            "submitted_to": data["to"],
        }

    @property
    def is_filtered(self):
        return any(value not in (None, "") for value in self.filters().values())
