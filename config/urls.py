"""Every app's URLs, wired in one place (config is the only module that knows all the apps)."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.monitoring import metrics_view
from core.views import csp_report, healthz, readyz
from feedback import views as feedback_views

api_v1 = [
    path("", include("feedback.api_urls")),
    path("", include("workflow.api_urls")),
    path("", include("metrics.api_urls")),
    path("", include("notifications.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("csp-report/", csp_report, name="csp-report"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("staff/", include("workflow.urls")),
    path("dashboard/", include("metrics.urls")),
    path("thong-ke/", include("metrics.public_urls")),
    path("notifications/", include("notifications.urls")),
    path("open311/", include("open311.urls")),
    path("", include("feedback.urls")),
]

# Errors Django raises outside a view (no such path, a bad Host, a crash, a CSRF refusal): Vietnamese
# pages in the site's layout, JSON in the API's shape under /api/ and /open311/.
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"

if settings.PAKN_SERVE_MEDIA:
    # Photos on local disk go out through the privacy rule (workflow.photos): public ones to
    # anyone, private ones to staff who may see the case and to the submitter's signed links.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.+)$", feedback_views.media, name="media"))
