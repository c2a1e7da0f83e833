from django import forms
from django.utils.translation import gettext_lazy as _

from core.geo import parse_bbox


class MultipleFileInput(forms.ClearableFileInput):
    """One file input that takes several photos (``<input type=file multiple>``)."""

    allow_multiple_selected = True


class BboxField(forms.CharField):
    """A box on the map, ``minlon,minlat,maxlon,maxlat`` in degrees with dots (WGS84), cleaned to
    ``core.geo.Bounds`` (None when empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_bbox(text)
        except ValueError:
            raise forms.ValidationError(_("Vùng bản đồ phải là minlon,minlat,maxlon,maxlat (độ, dấu chấm).")) from None


def form_errors(form):
    """A form's errors as ``{"field": ["message", …]}`` (the API error shape's ``fields``)."""
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}
