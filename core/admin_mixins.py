class ReadOnlyAdminMixin:
    """No add, change or delete: the admin shows records as the services left them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
