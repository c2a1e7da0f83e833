from channels.routing import URLRouter

websocket_urlpatterns = []
websocket_application = URLRouter(websocket_urlpatterns)
