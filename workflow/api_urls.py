"""The staff API under /api/v1/ (wired by config.urls)."""
from django.urls import path

from workflow import api

urlpatterns = [
    path("auth/token/", api.TokenLoginView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("agencies/", api.AgencyListView.as_view(), name="api-agencies"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:case_id>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:case_id>/transitions/<str:name>/", api.CaseTransitionView.as_view(),
         name="api-case-transition"),
]
