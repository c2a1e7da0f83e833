from django.db import connection
from django.http import JsonResponse

from core import health


def healthz(request):
    """200 when the database answers, with the registered figures (e.g. notifications waiting or
    failed); 503 otherwise (for the proxy and the orchestrator)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever the driver raises
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", **health.report()})
