"""WebSocket routes (config/asgi.py serves ``websocket_application``)."""
from channels.routing import URLRouter
from django.urls import path

from notifications.auth import staff_or_token_auth
from notifications.consumers import SubmissionConsumer, InboxConsumer

websocket_urlpatterns = [
    path("ws/inbox/", InboxConsumer.as_asgi()),
    path("ws/feedback/<str:tracking_code>/", SubmissionConsumer.as_asgi()),
]
websocket_application = staff_or_token_auth(URLRouter(websocket_urlpatterns))
