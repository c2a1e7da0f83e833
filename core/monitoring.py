"""Prometheus metrics: django-prometheus's request counts and latencies, plus the product's gauges.

Apps add gauges with ``register_gauge`` (the open and overdue cases, the outbox, sockets); each is
read when Prometheus scrapes, so it is always the database's current figure. Every worker serves
its own ``/metrics`` (request counters and socket counts are per process): scrape each worker on its
own port. The page is internal: answered only to a caller on an allowed network that did not come
through the proxy, or to one holding ``PAKN_METRICS_TOKEN``; anyone else gets 404.
"""
import hmac
import ipaddress
import logging

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client.core import GaugeMetricFamily

from core import health
from core.jobs import job_report

log = logging.getLogger(__name__)
_gauges = {}


def register_gauge(name, documentation, read, *, labels=()):
    """``read()`` returns a number, or ``{label values tuple: number}`` when ``labels`` are named."""
    _gauges[name] = (documentation, read, tuple(labels))


def _family(name, documentation, labels):
    return GaugeMetricFamily(name, documentation, labels=list(labels)) if labels else \
        GaugeMetricFamily(name, documentation)


class ProductCollector:
    """Collects the registered gauges at scrape time; one failing gauge does not hide the others."""

    def describe(self):
        # Names only: registering must not query the database (imports, migrations, tests).
        return [_family(name, doc, labels) for name, (doc, _read, labels) in _gauges.items()]

    def collect(self):
        for name, (documentation, read, labels) in _gauges.items():
            family = _family(name, documentation, labels)
            try:
                value = read()
            except Exception as exc:  # a gauge that cannot be read is left out, and said so in the log
                log.warning("metric %s not read (%s)", name, exc.__class__.__name__)
                continue
            if labels:
                for label_values, number in value.items():
                    family.add_metric(list(label_values), number)
            else:
                family.add_metric([], value)
            yield family


_collector = ProductCollector()


def install():
    """Register the product collector once per process (called from ``CoreConfig.ready``)."""
    try:
        prometheus_client.REGISTRY.register(_collector)
    except ValueError:  # already registered (a second ready() in tests)
        pass
    register_gauge("pakn_dependency_up", "1 when the service answers this worker, 0 when down (off: absent)",
                   _dependencies_up, labels=("dependency",))
    register_gauge("pakn_periodic_job_last_success_timestamp_seconds",
                   "Unix time of each periodic job's last successful run (0: never)",
                   lambda: _jobs("last_success_at"), labels=("job",))
    register_gauge("pakn_periodic_job_late", "1 when a periodic job has not succeeded for two of its intervals",
                   lambda: _jobs("late"), labels=("job",))
    register_gauge("pakn_db_pool_connections", "This worker's database pool: connections, idle ones, waiting requests",
                   _pool, labels=("state",))


def _dependencies_up():
    return {(name,): 1 if check["status"] == "ok" else 0
            for name, check in health.service_checks().items() if check["status"] != "off"}


def _jobs(field):
    values = {}
    for name, job in job_report().items():
        value = job[field]
        values[(name,)] = (value.timestamp() if value else 0) if field == "last_success_at" else int(bool(value))
    return values


def _pool():
    pool = health.database_pool_stats().get("pool")
    if not pool:
        return {}
    return {("size",): pool["size"], ("idle",): pool["idle"], ("waiting",): pool["waiting"]}


# --- who may read it -------------------------------------------------------------------------------

def _networks():
    return [ipaddress.ip_network(item, strict=False) for item in settings.PAKN_METRICS_ALLOWED_NETWORKS]


def is_internal_request(request):
    """A bearer of the metrics token, or a direct caller from an allowed network (not via the proxy)."""
    token = settings.PAKN_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers or "X-Real-IP" in request.headers:
        return False  # came through the proxy: from the internet, whatever the socket's address
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks())


def metrics_view(request):
    if not is_internal_request(request):
        raise Http404()
    body = prometheus_client.generate_latest(prometheus_client.REGISTRY)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
