"""Seed a bench database for the dashboard benchmark and print one JSON line for bench_dashboard.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database. Creates an applicant with a profile and 3 applications to 3 programmes of an open cycle,
logs them in by creating a database session, and counts the SQL queries of one GET /me/.
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_dashboard.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from seeding import login_session, warm_get  # noqa: E402

from gradadmit.testing.factories import (  # noqa: E402
    ApplicationFactory,
    CycleFactory,
    ProfileFactory,
    ProgramFactory,
)

APPLICATIONS = 3


def seed():
    profile = ProfileFactory()
    user = profile.user
    cycle = CycleFactory()
    for _ in range(APPLICATIONS):
        ApplicationFactory(applicant=user, program=ProgramFactory(cycle=cycle))
    return user


def count_queries(session_key: str, path: str):
    response, count, by_table = warm_get(path, session_key)
    return response.status_code, count, by_table


def main() -> int:
    user = seed()
    session_key = login_session(user)
    status, queries, by_table = count_queries(session_key, "/me/")
    print(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session_key": session_key,
                "applications": APPLICATIONS,
                "me_status": status,
                "me_queries": queries,
                "me_queries_by_table": by_table,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
