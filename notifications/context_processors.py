from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count as count_unread


def unread_count(request):
    """``notifications_unread`` for the bell, counted only if a template shows it."""
    user = getattr(request, "user", None)
    return {"notifications_unread": SimpleLazyObject(lambda: count_unread(user) if user is not None else 0)}
