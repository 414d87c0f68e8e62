"""Seed a bench database for the dashboard benchmark and print one JSON line for bench_dashboard.py.

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database. Creates an applicant with a profile and 3 applications to 3 programmes of an open cycle,
logs them in by creating a database session, and counts the SQL queries of one GET /me/.
"""

import json
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_dashboard.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

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


def login_session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def count_queries(session_key: str, path: str):
    """Queries of a warm GET (the first request of a process also fills per-process caches)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    tables = Counter()
    for query in captured.captured_queries:
        sql = query["sql"]
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql.split()[0]
        tables[table] += 1
    return response.status_code, len(captured.captured_queries), dict(tables.most_common())


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
