"""Health for the proxy and the orchestrator, readiness and metrics for operators (core.health,
core.monitoring). None of them needs a session, and none carries personal data."""
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache

from core import health
from core.monitoring import is_internal_request


@never_cache
def healthz(request):
    """Liveness: 200 when the database answers; 503 otherwise."""
    if health.liveness():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable"}, status=503)


@never_cache
def readyz(request):
    """Readiness and what needs a look (internal, like /metrics): 503 only without a database."""
    if not is_internal_request(request):
        raise Http404()
    report, serving = health.readiness()
    return JsonResponse(report, status=200 if serving else 503, json_dumps_params={"ensure_ascii": False})
