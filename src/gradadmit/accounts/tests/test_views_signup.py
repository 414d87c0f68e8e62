"""Registering: PDPA consent, duplicate email, bilingual verification email through the task, rate limits."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from gradadmit.accounts.models import User
from gradadmit.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup(client, email="new@example.tw", consent=True):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if consent:
        data["pdpa_consent"] = "on"
    return client.post(reverse("account_signup"), data)


def test_signup_records_consent_and_sends_bilingual_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.tw")
    assert user.pdpa_consent_at is not None
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "English" in body and "/accounts/confirm-email/" in body
    assert re.search(r"[\u4e00-\u9fff]", body)  # the Chinese half


def test_signup_without_consent_is_refused(client):
    response = signup(client, consent=False)
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.tw").exists()
    assert "pdpa_consent" in response.context["form"].errors


def test_duplicate_email_creates_no_second_account(client, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.tw")
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, email="taken@example.tw")
    assert User.objects.filter(email__iexact="taken@example.tw").count() == 1


def test_login_requires_verified_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    fresh = Client()
    response = fresh.post(reverse("account_login"), {"login": "new@example.tw", "password": PASSWORD})
    assert response.status_code == 302
    assert fresh.get(reverse("applications:dashboard")).status_code == 302  # not signed in


def test_login_brute_force_is_rate_limited(client):
    UserFactory(email="target@example.tw")
    for _ in range(6):
        client.post(reverse("account_login"), {"login": "target@example.tw", "password": "wrong-guess"})
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": "target@example.tw", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_email_through_the_task(client, django_capture_on_commit_callbacks):
    UserFactory(email="forgot@example.tw")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgot@example.tw"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_post_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_signup"), {"email": "x@example.tw"})
    assert response.status_code == 403


def test_the_password_rules_show_as_a_list_not_as_escaped_html(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert '<div class="help" id="id_password1_helptext"><ul><li>' in html
    assert "&lt;ul&gt;" not in html
