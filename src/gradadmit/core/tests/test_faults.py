"""The database unreachable during a request: a translated 503 page, Retry-After, and the next request works."""

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gradadmit.core import faults
from gradadmit.testing.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
HEADLINE = "The portal is temporarily unavailable"


def unreachable(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def translated(text, language):
    with translation.override(language):
        return gettext(text)


def test_a_page_while_the_database_is_unreachable_is_a_chinese_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get(reverse("cycles:home"))
    html = response.content.decode()
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert 'lang="zh-Hant-TW"' in html and translated(HEADLINE, "zh-hant") in html
    assert '<main id="main"' in html and "portal" in html and "Connection refused" not in html


def test_the_language_cookie_gives_the_english_503(english, monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = english.get(reverse("cycles:home"))
    html = response.content.decode()
    assert response.status_code == 503 and 'lang="en"' in html and HEADLINE in html


def test_the_next_request_works_once_the_database_is_back(client, monkeypatch):
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    assert client.get(reverse("cycles:home")).status_code == 503
    monkeypatch.undo()
    assert client.get(reverse("cycles:home")).status_code == 200


def test_a_signed_in_request_failing_in_a_middleware_before_the_view_is_also_a_503(monkeypatch):
    """The signed-in user is loaded by a middleware (two-factor check): Django's own 500 path, handler500."""
    application = ApplicationFactory()
    client = Client(raise_request_exception=False)
    client.force_login(application.applicant)
    monkeypatch.setattr(connection, "ensure_connection", unreachable)
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 503 and response["Retry-After"]
    monkeypatch.undo()
    assert client.get(reverse("applications:dashboard")).status_code == 200


def test_a_lost_connection_interface_error_is_a_503_too(client, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connection, "ensure_connection", closed)
    assert client.get(reverse("cycles:home")).status_code == 503


def test_other_errors_still_give_the_standalone_500_page(rf):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = faults.server_error(rf.get("/"))
    assert response.status_code == 500 and "系統暫時無法處理" in response.content.decode()
