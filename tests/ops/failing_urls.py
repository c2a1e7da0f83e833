"""The project's URLs plus one view that fails, for the error-report test."""
from django.urls import path

from config.urls import urlpatterns as project_urls


def failing_view(request):
    raise RuntimeError("the view failed while handling a citizen's request")


urlpatterns = [path("ops-test/fail/", failing_view), *project_urls]
