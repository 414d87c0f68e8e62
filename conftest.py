"""Test configuration shared by every test: plain static storage, immediate tasks, local-memory email."""

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: on a loaded 2-core CI machine a slow example is not a failure (the property still is).
hypothesis_settings.register_profile("gradadmit", deadline=None)
hypothesis_settings.load_profile("gradadmit")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "zh-hant"
    settings.GRADADMIT_PREPARED_CHECK = True  # every prepared queryset compared with a fresh build (core/prepared.py)
    if settings.CACHES["default"]["BACKEND"].endswith(("FileBasedCache", "FileCache")):  # each test its own directory
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": str(tmp_path / "cache")},
        }
    from django.core.cache import cache

    cache.clear()  # rate limits start fresh in every test


@pytest.fixture
def english(client):
    client.cookies["gradadmit_language"] = "en"
    return client


@pytest.fixture
def english_messages():
    """Messages made outside a request in English, for tests that assert on the English text.

    Use as `pytestmark = [..., pytest.mark.usefixtures("english_messages")]`.
    """
    from django.utils import translation

    with translation.override("en"):
        yield
