"""Query counts that depend on the configuration the tests run with."""

from django.conf import settings


def session_queries() -> int:
    """Queries a signed-in page spends on its session: none when sessions are cached in a cache every app process
    shares (the default's files, Redis), one when they are read from the database (PostgreSQL without Redis)."""
    return 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1


def signed_in_queries() -> int:
    """Queries a signed-in page spends on its session and user, once the user was loaded by an earlier request: the
    session's (session_queries), and the user's only where each process cannot keep its users between requests
    (accounts.signed_in: not without a cache every app process shares)."""
    return session_queries() + (0 if settings.CACHE_IS_SHARED else 1)
