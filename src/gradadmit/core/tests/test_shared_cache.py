"""The cache every app process shares: by default (SQLite, one machine) files in the data directory, read by every
gunicorn worker, so sessions are cached and a sign-out reaches every worker; with a database server but no Redis,
each process's memory and sessions from the database only."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache.backends.filebased import FileBasedCache
from django.urls import reverse

from gradadmit.testing.factories import ProfileFactory
from gradadmit.testing.settings_probe import settings_with

SHOW = (
    "[settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION', ''), settings.SESSION_ENGINE]"
)


def configured(tmp_path, **overrides):
    return settings_with(tmp_path, SHOW, **overrides)


def test_the_default_shares_files_and_caches_sessions(tmp_path):
    backend, location, sessions = configured(tmp_path)
    assert backend == "gradadmit.core.filecache.FileCache" and location == str(tmp_path / "cache")
    assert sessions == "django.contrib.sessions.backends.cached_db"


def test_a_database_server_without_redis_keeps_sessions_in_the_database(tmp_path):
    backend, _, sessions = configured(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert backend.endswith("LocMemCache")
    assert sessions == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_a_sign_out_in_one_worker_signs_out_in_every_worker(client, settings):
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db":
        pytest.skip("sessions are not cached in this configuration (DATABASE_URL without REDIS_URL)")
    client.force_login(ProfileFactory().user)
    assert client.get(reverse("applications:dashboard")).status_code == 200  # the session is in the cache
    other_worker = FileBasedCache(settings.CACHES["default"]["LOCATION"], {})  # another process on the same files
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert other_worker.get(SessionStore.cache_key_prefix + key) is not None
    SessionStore(key).delete()  # signed out there
    assert other_worker.get(SessionStore.cache_key_prefix + key) is None
    assert client.get(reverse("applications:dashboard")).status_code == 302  # to the sign-in page


def test_the_file_cache_counts_its_entries_once_a_minute(tmp_path, monkeypatch):
    """Django's file cache lists the directory on every write; ours at most once a minute, still trimming it."""
    from gradadmit.core import filecache

    cache = filecache.FileCache(str(tmp_path / "c"), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listings = []
    listed = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or listed())
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    for n in range(30):
        cache.set(f"k{n}", n)
    assert len(listings) == 1 and len(listed()) == 30  # one count, at the first write: nothing to trim yet
    clock[0] += filecache.CULL_INTERVAL_SECONDS + 1
    cache.set("one-more", 1)
    assert len(listings) == 2 and len(listed()) <= 16  # over MAX_ENTRIES: half removed (CULL_FREQUENCY 2), then written
    assert cache.get("one-more") == 1
