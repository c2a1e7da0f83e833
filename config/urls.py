"""Every app's URLs, wired in one place (config is the only module that knows all the apps)."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.monitoring import metrics_view
from core.views import healthz, readyz

api_v1 = [
    path("", include("feedback.api_urls")),
    path("", include("workflow.api_urls")),
    path("", include("metrics.api_urls")),
    path("", include("notifications.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("staff/", include("workflow.urls")),
    path("dashboard/", include("metrics.urls")),
    path("thong-ke/", include("metrics.public_urls")),
    path("notifications/", include("notifications.urls")),
    path("open311/", include("open311.urls")),
    path("", include("feedback.urls")),
]

# Error pages: Vietnamese pages in the site's layout, JSON under /api/ and /open311/.
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"

def serve_media(request, path):
    """Uploaded photos from MEDIA_ROOT as it is now (read per request, not when URLs load)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.PAKN_SERVE_MEDIA:
    # One-machine setups serve photos themselves (Django's static() helper would do nothing
    # with DEBUG off); behind a proxy or with object storage, turn this off.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media))
