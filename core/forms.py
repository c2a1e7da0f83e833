from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    """One file input that takes several photos (``<input type=file multiple>``)."""

    allow_multiple_selected = True
