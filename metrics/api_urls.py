"""The metrics API under /api/v1/ (wired by config.urls)."""
from django.urls import path

from metrics import api

urlpatterns = [
    path("metrics/summary/", api.SummaryView.as_view(), name="api-metrics-summary"),
    path("metrics/breakdown/", api.BreakdownView.as_view(), name="api-metrics-breakdown"),
    path("public/stats/", api.PublicStatsView.as_view(), name="api-public-stats"),
]
