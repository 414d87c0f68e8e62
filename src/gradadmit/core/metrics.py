"""Prometheus metrics: the /metrics view, its access rule, and figures read from the database at scrape time.

Requests and latencies by view come from django-prometheus's middlewares (settings.MIDDLEWARE). Figures that
live in the database (the task queue) are not kept in per-process gauges: `PortalCollector` reads them when
Prometheus scrapes, so every app server reports the same truth. Other apps add their own figures with
`register_metric_source(callable)`; the callable returns prometheus_client metric families, for example:

    from prometheus_client.core import GaugeMetricFamily

    def outbox_metrics():
        yield GaugeMetricFamily("gradadmit_emails_queued", "Emails waiting to be sent.", value=...)

    register_metric_source(outbox_metrics)   # in the app's AppConfig.ready()

A source that fails (the database is down) is reported as gradadmit_metrics_source_up{source=...} 0 and
does not take the other metrics down with it.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied at each start) so
counters and histograms are summed over the workers (prometheus_client's multiprocess mode).
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterable

import prometheus_client
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import Counter, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

UPLOADS_REFUSED = Counter(
    "gradadmit_uploads_refused",
    "Uploaded files refused by the content checks, by reason (no personal data).",
    ["reason"],
)

STORAGE_FAILURES = Counter(
    "gradadmit_storage_failures",
    "Files the storage failed to keep (uploads and generated files), by kind: disk_full or other.",
    ["kind"],
)

MetricSource = Callable[[], Iterable[Metric]]
_sources: dict[str, MetricSource] = {}


def register_metric_source(source: MetricSource, *, name: str | None = None) -> None:
    """Add a callable whose metric families are collected at every scrape. Registering twice is harmless."""
    _sources[name or f"{source.__module__}.{source.__qualname__}"] = source


def queue_metrics() -> Iterable[Metric]:
    """The task queue (django_tasks_db): due tasks waiting, the oldest one's wait, running and failed tasks."""
    from gradadmit.core.queue_stats import queue_figures

    figures = queue_figures()
    yield GaugeMetricFamily("gradadmit_tasks_ready", "Tasks waiting to run now (ready and due).", value=figures.ready)
    yield GaugeMetricFamily(
        "gradadmit_tasks_oldest_ready_age_seconds",
        "How long the longest-waiting due task has waited (0 when none waits).",
        value=figures.oldest_ready_age,
    )
    yield GaugeMetricFamily("gradadmit_tasks_running", "Tasks marked running.", value=figures.running)
    yield GaugeMetricFamily(
        "gradadmit_tasks_failed", "Tasks that ended failed (kept in the table).", value=figures.failed
    )


register_metric_source(queue_metrics, name="queue")


class PortalCollector(Collector):
    """Runs every registered source at scrape time; one failing source does not hide the others."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "gradadmit_metrics_source_up", "1 when the source's figures were read.", labels=["source"]
        )
        for name, source in list(_sources.items()):
            try:
                families = list(source())
            except Exception as error:  # a scrape must answer even when the database does not
                logger.warning("metrics source %s failed: %s", name, type(error).__name__)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up

    def describe(self) -> Iterable[Metric]:
        return []  # names are dynamic; registering must not query the database


PORTAL_COLLECTOR = PortalCollector()
_registered = False


def register_collector() -> None:
    """Called once from CoreConfig.ready()."""
    global _registered
    if not _registered:
        prometheus_client.REGISTRY.register(PORTAL_COLLECTOR)
        _registered = True


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def scrape_registry():
    """The registry to expose: the process's own, or the sum over gunicorn workers in multiprocess mode."""
    if _multiprocess_dir():
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(PORTAL_COLLECTOR)
        return registry
    return prometheus_client.REGISTRY


def metrics_allowed(request) -> bool:
    """From an address in GRADADMIT_METRICS_ALLOWED_IPS (addresses or networks), or with the bearer token."""
    token = settings.GRADADMIT_METRICS_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 from a dual-stack socket
        address = address.ipv4_mapped
    for allowed in settings.GRADADMIT_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("GRADADMIT_METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False


@require_safe
@never_cache
def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    output = prometheus_client.generate_latest(scrape_registry())
    return HttpResponse(output, content_type=prometheus_client.CONTENT_TYPE_LATEST)
