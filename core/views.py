"""Health for the proxy and the orchestrator, readiness and metrics for operators (core.health,
core.monitoring); the CSP violation reports. None of them needs a session, and none carries personal
data. The error pages are in ``core.error_views``."""
import json
import logging
import re
from urllib.parse import urlsplit

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import health
from core.monitoring import is_internal_request
from core.throttles import over_limit


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


# --- Content-Security-Policy violation reports -------------------------------------------------

csp_log = logging.getLogger("pakn.csp")
CSP_REPORT_MAX_BYTES = 64 * 1024


@csrf_exempt
@require_POST
def csp_report(request):
    """Log what the browser blocked, without anything that could identify a person.

    Accepts the ``report-uri`` format (``{"csp-report": {…}}``) and the Reporting API's list. Only
    the directive, where the blocked thing came from (an origin or a keyword such as ``inline``)
    and the page and script paths are logged: query strings (a private link's key) and full
    blocked URLs (which may carry anything) never are.
    """
    if over_limit(request, "csp_reports"):
        return HttpResponse(status=429)
    if int(request.META.get("CONTENT_LENGTH") or 0) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    for report in _csp_reports(request.body):
        csp_log.warning("csp violation: %s blocked %s on %s (%s:%s)",
                        _short(report.get("effective-directive") or report.get("violated-directive")),
                        _origin_or_keyword(report.get("blocked-uri") or report.get("blockedURL")),
                        _path_only(report.get("document-uri") or report.get("documentURL")),
                        _path_only(report.get("source-file") or report.get("sourceFile")),
                        _short(report.get("line-number") or report.get("lineNumber")))
    return HttpResponse(status=204)


def _csp_reports(raw):
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        return [item["body"] for item in data[:20]
                if isinstance(item, dict) and isinstance(item.get("body"), dict)]
    return []


def _short(value, size=60):
    return re.sub(r"[^\w\-' .:/]", "", str(value or "-"))[:size] or "-"


def _origin_or_keyword(value):
    parts = urlsplit(str(value or ""))
    if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc:
        return _short(f"{parts.scheme}://{parts.hostname}")
    return _short(parts.scheme or value)  # inline, eval, data, blob, …


def _path_only(value):
    path = urlsplit(str(value or "")).path
    return re.sub(r"[^\w\-./]", "", path)[:120] or "-"
