"""Liveness and readiness probes for the load balancer and monitoring.

/healthz (in urls.py) answers without touching anything: the process is alive. /readyz checks what a
request needs: the database (a trivial query), the file storage (a small file written, read back and
deleted under `.health/`), and the task queue (the oldest task waiting to run is younger than
GRADADMIT_READY_MAX_QUEUE_AGE seconds). Answers name each check and the class of an error, never its
message, so no host name, path or personal data leaves through them.
"""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gradadmit.core.queue_stats import queue_figures

logger = logging.getLogger(__name__)
PROBE_PREFIX = ".health/"
PROBE_CONTENT = b"gradadmit readiness probe\n"


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def check_storage() -> dict:
    """A real round trip: write, read back, delete. The probe is deleted even when the read fails."""
    name = default_storage.save(f"{PROBE_PREFIX}probe-{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != PROBE_CONTENT:
                return {"status": "fail", "error": "content differs"}
    finally:
        default_storage.delete(name)
    return {"status": "ok"}


def check_queue() -> dict:
    figures = queue_figures()
    limit = settings.GRADADMIT_READY_MAX_QUEUE_AGE
    return {
        "status": "ok" if figures.oldest_ready_age < limit else "fail",
        "ready": figures.ready,
        "oldest_ready_age_seconds": round(figures.oldest_ready_age, 1),
        "max_age_seconds": limit,
    }


CHECKS = {"database": check_database, "storage": check_storage, "queue": check_queue}


@require_safe
@never_cache
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # a probe reports every failure, whatever its kind
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = {"status": "fail", "error": type(error).__name__}
    ok = all(result["status"] == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503)
