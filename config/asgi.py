"""ASGI entry point: HTTP through Django, WebSockets through channels.

Served by daphne (``make run``) or any ASGI server; several stateless workers can share a Redis
channel layer (REDIS_URL).
"""
import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from notifications.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": websocket_application,
})

# Everything loaded so far lives as long as the process: keep it out of the cyclic collector's
# full passes, which otherwise walk it all while a change is being pushed to every socket.
gc.freeze()
