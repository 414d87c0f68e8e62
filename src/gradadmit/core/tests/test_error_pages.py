"""Error pages: the portal's layout with a main landmark, translated; the 500 page stands alone."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from gradadmit.testing.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_another_users_page_is_a_translated_404_in_the_layout(client):
    mine, theirs = ApplicationFactory(), ApplicationFactory()
    client.force_login(mine.applicant)
    response = client.get(f"/me/applications/{theirs.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<main id="main"' in html and "找不到此頁面" in html and "skip-link" in html


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert '<main id="main"' in html and "系統暫時無法處理" in html and 'lang="en"' in html


def test_a_missing_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"login": "a@b.tw", "password": "x"}).status_code == 403
