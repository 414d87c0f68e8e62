"""One masked CSRF token a response (core/csrf.py): every form of a page carries the same token, which the CSRF
check accepts; a rotated secret (signing in) draws a new one; nothing is drawn for a page without a form."""

import re

import pytest
from django.middleware.csrf import rotate_token
from django.test import Client, RequestFactory
from django.urls import reverse

from gradadmit.core import csrf
from gradadmit.testing.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_every_form_of_a_page_carries_the_one_token_and_it_is_accepted():
    application = ApplicationFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    page = client.get(reverse("documents:items", args=[application.pk]))
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) >= 3  # the header's sign-out, the language switch, the page's own forms
    assert len(set(tokens)) == 1
    signed_out = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_forged_token_is_still_refused():
    application = ApplicationFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    client.get(reverse("documents:items", args=[application.pk]))
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_the_token_is_kept_while_the_secret_stays_and_drawn_again_after_rotation():
    request = RequestFactory().get("/")
    first = csrf.token(request)
    assert csrf.token(request) == first
    rotate_token(request)  # what signing in does
    second = csrf.token(request)
    assert second != first
    assert csrf.token(request) == second


def test_nothing_is_drawn_until_a_template_uses_the_token():
    request = RequestFactory().get("/")
    values = csrf.context(request)
    assert "CSRF_COOKIE" not in request.META
    assert str(values["csrf_input"]).startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')
    assert str(values["csrf_token"]) == csrf.token(request)
    assert "CSRF_COOKIE" in request.META
