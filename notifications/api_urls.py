"""In-app notifications and Web Push under /api/v1/ (wired by config.urls).

``feedback/<code>/push/`` sits beside the citizen's other paths (PRODUCT.md "Web Push") but is
served here: only notifications knows about push subscriptions."""
from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", api.NotificationReadView.as_view(), name="api-notifications-read"),
    path("push/key/", api.PushKeyView.as_view(), name="api-push-key"),
    path("push/subscriptions/", api.StaffPushView.as_view(), name="api-push-staff"),
    path("feedback/<str:code>/push/", api.CitizenPushView.as_view(), name="api-feedback-push"),
]
