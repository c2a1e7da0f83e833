"""The dashboard under /dashboard/."""
from django.urls import path, re_path

from metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map.geojson", views.case_map, name="map"),
    re_path(r"^export/(?P<table>agency|category|cases)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
