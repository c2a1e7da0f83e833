from django.urls import path

from feedback import api

urlpatterns = [
    path("feedback/", api.FeedbackSubmitView.as_view(), name="api-feedback-submit"),
    path("feedback/nearby/", api.NearbyView.as_view(), name="api-feedback-nearby"),
    path("feedback/<str:code>/", api.FeedbackDetailView.as_view(), name="api-feedback-detail"),
    path("feedback/<str:code>/actions/<str:name>/", api.CitizenActionView.as_view(), name="api-feedback-action"),
    path("categories/", api.CategoryListView.as_view(), name="api-categories"),
    path("wards/", api.WardListView.as_view(), name="api-wards"),
    path("public/map/", api.PublicMapView.as_view(), name="api-public-map"),
]
