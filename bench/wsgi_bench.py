"""WSGI entry point for benchmarks: the production app plus /bench/reference/, without touching gradadmit/urls.py.

gunicorn bench.wsgi_bench:application --pythonpath src,. (bench/harness.py starts it with GRADADMIT_BENCH=1).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
os.environ.setdefault("GRADADMIT_BENCH", "1")
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402

from gradadmit import urls  # noqa: E402
from gradadmit.core.bench_views import reference_table  # noqa: E402

REFERENCE_ROUTE = "bench/reference/"

if not any(str(getattr(p, "pattern", "")) == REFERENCE_ROUTE for p in urls.urlpatterns):
    # First, so the catch-all public URLs ("" include) can never shadow it.
    urls.urlpatterns.insert(0, path(REFERENCE_ROUTE, reference_table, name="bench_reference"))

application = get_wsgi_application()
