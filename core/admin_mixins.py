from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """No add, change or delete: the admin shows records as the services left them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoPreviewMixin:
    """A ``preview`` column for rows with ``image`` and ``thumbnail``: the thumbnail, linking to the photo."""

    @admin.display(description=_("ảnh"))
    def preview(self, photo):
        # A height attribute, not an inline style: the admin runs under the site's CSP too.
        return format_html('<a href="{}"><img src="{}" alt="" height="80"></a>', photo.image.url, photo.thumbnail.url)
