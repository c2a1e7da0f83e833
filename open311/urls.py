"""Open311 GeoReport v2 under /open311/ (wired by config.urls). Every resource as .xml or .json;
any other path or format under /open311/ is a 404 in Open311's format (open311.middleware)."""
from django.urls import re_path

from open311 import views

FORMAT = r"\.(?P<fmt>xml|json)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FORMAT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FORMAT, views.token, name="token"),
]
