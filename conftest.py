"""Test configuration shared by every test: plain static storage, immediate tasks, local-memory email."""

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: on a loaded 2-core CI machine a slow example is not a failure (the property still is).
hypothesis_settings.register_profile("gradadmit", deadline=None)
hypothesis_settings.load_profile("gradadmit")


@pytest.fixture(autouse=True, scope="session")
def _jinja2_pages_seen_by_the_test_client():
    """Pages drawn by Jinja2 reach the test client's response.context and response.templates, as the template
    language's do: Django instruments only its own template language for tests (test.utils.setup_test_environment).
    """
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def instrumented(self, context=None, request=None):
        context = {} if context is None else context
        html = render(self, context, request)  # the backend adds the request's values to `context`
        template_rendered.send(sender=self, template=self.template, context=context)
        return html

    Template.render = instrumented
    yield
    Template.render = render


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
