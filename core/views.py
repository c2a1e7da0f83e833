"""Health for the proxy and the orchestrator, readiness and metrics for operators (core.health,
core.monitoring). None of them needs a session, and none carries personal data."""
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache

from core import health
from core.monitoring import is_internal_request


@never_cache
def healthz(request):
    """200 when the database answers, with the registered figures (e.g. notifications waiting or
    failed); 503 otherwise (for the proxy and the orchestrator)."""
    if not health.liveness():
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", **health.report()})


@never_cache
def readyz(request):
    """Readiness and what needs a look (internal, like /metrics): 503 only without a database."""
    if not is_internal_request(request):
        raise Http404()
    report, serving = health.readiness()
    return JsonResponse(report, status=200 if serving else 503, json_dumps_params={"ensure_ascii": False})
