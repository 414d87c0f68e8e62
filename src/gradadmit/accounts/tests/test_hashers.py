"""Password storage: Argon2id at OWASP's parameters; the PBKDF2 hashes stored before are upgraded at sign-in."""

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client
from django.urls import reverse

from gradadmit.accounts.models import User
from gradadmit.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_project_stores_argon2id_and_still_reads_pbkdf2():
    from gradadmit import settings as project

    assert project.PASSWORD_HASHERS == [
        "gradadmit.accounts.hashers.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_a_new_password_is_argon2id_with_19_mib_2_passes_1_lane(settings):
    settings.PASSWORD_HASHERS = ["gradadmit.accounts.hashers.Argon2idPasswordHasher"]
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).algorithm == "argon2"


def test_a_pbkdf2_password_is_rehashed_as_argon2id_at_sign_in(settings):
    settings.PASSWORD_HASHERS = [
        "gradadmit.accounts.hashers.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(email="older@example.tw")
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")  # stored before the change
    )
    client = Client()
    response = client.post(reverse("account_login"), {"login": "older@example.tw", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)
