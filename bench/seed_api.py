"""Seed a bench database for the API benchmark and print one JSON line for bench_api.py.

Run by bench/harness.py with the bench environment (never the real database): applicants and applications from
bench/seed_search.py's generator (about 5,000 applications over ten programmes, exam numbers for half), an
eligibility decision for every third, and an office member's read token over every programme; then the planner's
statistics, as the worker's hourly job keeps them (core.dbstats). Counts the SQL
queries of one API page at a tenth of the applications and at all of them (the count must not change).
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_api.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from seed_search import seed  # noqa: E402

from gradadmit.api.services import create_token  # noqa: E402
from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402
from gradadmit.core.dbstats import refresh_statistics  # noqa: E402
from gradadmit.cycles.models import Program  # noqa: E402
from gradadmit.eligibility.models import ReviewDecision  # noqa: E402
from gradadmit.testing.factories import CycleFactory, OfficeFactory  # noqa: E402

APPLICANTS = int(os.environ.get("BENCH_API_APPLICANTS", "4167"))  # one in five applies twice: ~5,000 applications
PAGE = 100


def decide(cycle):
    now = clock.now()
    done = set(ReviewDecision.objects.values_list("application_id", flat=True))
    ReviewDecision.objects.bulk_create(
        ReviewDecision(application_id=pk, result="qualified", decided_at=now)
        for pk in Application.objects.filter(program__cycle=cycle).values_list("pk", flat=True)
        if pk % 3 == 0 and pk not in done
    )


def page_queries(secret: str) -> int:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get(f"/api/v1/applications?limit={PAGE}")  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/applications?limit={PAGE}")
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def main() -> int:
    with transaction.atomic():
        cycle = CycleFactory()
        seed(cycle, APPLICANTS // 10, 0, "b")
        decide(cycle)
        office = OfficeFactory()
    programs = list(Program.objects.filter(cycle=cycle))
    _token, secret = create_token(actor=office, name="bench", programs=programs, access="read", days=1)
    small = page_queries(secret)
    with transaction.atomic():
        seed(cycle, APPLICANTS - APPLICANTS // 10, APPLICANTS, "a")
        decide(cycle)
    refresh_statistics()  # as the worker's hourly database-statistics job keeps them
    _token, secret = create_token(actor=office, name="bench", programs=list(Program.objects.filter(cycle=cycle)),
                                  access="read", days=1)  # fmt: skip
    print(json.dumps({"token": secret, "applications": Application.objects.count(), "page": PAGE,
                      "queries": page_queries(secret), "queries_small": small}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
