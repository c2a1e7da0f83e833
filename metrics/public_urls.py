"""The public statistics page under /thong-ke/ (anyone; wired by config.urls)."""
from django.urls import path

from metrics import views

app_name = "transparency"
urlpatterns = [
    path("", views.public_stats, name="stats"),
]
