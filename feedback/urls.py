from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.home, name="home"),
    path("gui/", views.submit, name="submit"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("ban-do/", views.public_map, name="map"),
    path("phan-anh/<str:code>/", views.public_case, name="public"),
    path("theo-doi/<str:code>/", views.private_case, name="private"),
    path("ngoai-tuyen/", views.offline, name="offline"),
    path("thong-bao/ngung-email/<str:token>/", views.email_unsubscribe, name="email_unsubscribe"),
    # An officials' page (under /staff/, in their layout) that belongs to intake.
    path("staff/nhap-phan-anh/", views.officer_entry, name="officer_entry"),
    # Served from the root so the worker's scope covers every citizen page.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
