"""Query counts that depend on the configuration the tests run with."""

from django.conf import settings


def session_queries() -> int:
    """Queries a signed-in page spends on its session: none when sessions are cached in a cache every app process
    shares (the default's files, Redis), one when they are read from the database (PostgreSQL without Redis)."""
    return 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1
