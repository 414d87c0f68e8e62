"""Helpers for the bench seed scripts (import after django.setup()): a signed-in session, a warm GET's queries."""

from collections import Counter

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def login_session(user) -> str:
    """A database session signed in as `user` (what the login view would create); returns its key."""
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "gradadmit.accounts.backends.PortalModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def warm_get(path: str, session_key: str | None = None):
    """(response, query count, queries by table) of a warm GET: the first request fills per-process caches."""
    client = Client(HTTP_HOST="127.0.0.1")
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    tables = Counter()
    for query in captured.captured_queries:
        sql = query["sql"]
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql.split()[0]
        tables[table] += 1
    return response, len(captured.captured_queries), dict(tables.most_common())
