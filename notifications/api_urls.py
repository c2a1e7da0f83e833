"""In-app notifications under /api/v1/ (wired by config.urls)."""
from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", api.NotificationReadView.as_view(), name="api-notifications-read"),
]
