"""Open311's fields on top of intake's rules (``feedback.serializers``): one set of rules for all doors."""
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from feedback.serializers import TitleFromDescriptionSerializer

MEDIA_URL_MAX_CHARS = 500


class Open311SubmissionSerializer(TitleFromDescriptionSerializer):
    """A request's fields: the title is the description's first line; a photo link may stand in
    for a photo (kept as given, never fetched)."""

    media_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MEDIA_URL_MAX_CHARS,
        validators=[URLValidator(schemes=["http", "https"], message=_("media_url phải là địa chỉ http hoặc https."))],
        error_messages={"max_length": _("media_url tối đa {max_length} ký tự.")})

    def lacks_photo(self, attrs) -> bool:
        return super().lacks_photo(attrs) and not attrs.get("media_url")
