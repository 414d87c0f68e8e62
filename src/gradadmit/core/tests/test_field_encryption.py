"""National ID and passport numbers encrypted at rest (core/crypto.py, core/fields.py): storage, hash, keys."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import crypto
from gradadmit.core.checks import field_keys_open_stored_values
from gradadmit.testing.factories import ProfileFactory, valid_taiwan_id

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db
HASH_KEY = "h" * 40


def stored(profile) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_id, national_id_hash FROM accounts_applicantprofile WHERE id = %s", [profile.pk]
        )
        return cursor.fetchone()


def test_the_number_is_stored_encrypted_and_read_back_plain():
    number = valid_taiwan_id(31)
    profile = ProfileFactory(national_id=number)
    column, digest = stored(profile)
    assert number not in column and crypto.is_token(column)
    assert digest == crypto.search_hash(number) and number not in digest
    assert ApplicantProfile.objects.get(pk=profile.pk).national_id == number


def test_each_save_writes_a_new_token_but_the_same_hash():
    profile = ProfileFactory()
    first = stored(profile)
    profile.save()
    second = stored(profile)
    assert first[0] != second[0] and first[1] == second[1]


def test_hash_ignores_case_and_spaces():
    assert crypto.search_hash(" a123456789 ") == crypto.search_hash("A123456789")
    assert crypto.search_hash("") == ""


def test_bulk_create_fills_the_hash():
    profile = ProfileFactory.build(user=ProfileFactory().user, national_id=valid_taiwan_id(32))
    ApplicantProfile.objects.filter(user=profile.user).delete()
    (created,) = ApplicantProfile.objects.bulk_create([profile])
    assert stored(created)[1] == crypto.search_hash(valid_taiwan_id(32))


def test_the_same_number_twice_is_refused_by_the_database():
    ProfileFactory(national_id=valid_taiwan_id(33))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileFactory(national_id=valid_taiwan_id(33).lower())


def test_comparing_the_ciphertext_with_a_number_raises_instead_of_finding_nothing():
    with pytest.raises(FieldError):
        list(ApplicantProfile.objects.filter(national_id="A123456789"))
    with pytest.raises(FieldError):
        list(ApplicantProfile.objects.filter(passport_number__icontains="123"))
    assert list(ApplicantProfile.objects.filter(national_id="")) == []  # "is it filled in" still works


def test_rotation_re_encrypts_with_the_newest_key_so_the_old_one_can_go():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(GRADADMIT_FIELD_KEYS=[old]):
        profile = ProfileFactory(national_id=valid_taiwan_id(34))
    with override_settings(GRADADMIT_FIELD_KEYS=[new, old]):
        call_command("rotate_field_keys", stdout=StringIO())
    with override_settings(GRADADMIT_FIELD_KEYS=[new]):
        assert ApplicantProfile.objects.get(pk=profile.pk).national_id == valid_taiwan_id(34)
        assert field_keys_open_stored_values(databases=["default"]) == []


def test_rotation_recomputes_the_hashes_for_a_new_hash_key():
    profile = ProfileFactory(national_id=valid_taiwan_id(35))
    with override_settings(GRADADMIT_FIELD_HASH_KEY=HASH_KEY):
        assert [e.id for e in field_keys_open_stored_values(databases=["default"])] == ["gradadmit.E002"]
        call_command("rotate_field_keys", stdout=StringIO())
        assert stored(profile)[1] == crypto.search_hash(valid_taiwan_id(35))
        assert field_keys_open_stored_values(databases=["default"]) == []


def test_a_wrong_key_is_reported_by_the_database_check():
    ProfileFactory()
    with override_settings(GRADADMIT_FIELD_KEYS=[Fernet.generate_key().decode()]):
        errors = field_keys_open_stored_values(databases=["default"])
    assert [e.id for e in errors] == ["gradadmit.E001"]
    assert "GRADADMIT_FIELD_KEYS" in errors[0].msg


def test_a_wrong_key_fails_loudly_when_a_row_is_read():
    profile = ProfileFactory()
    wrong = override_settings(GRADADMIT_FIELD_KEYS=[Fernet.generate_key().decode()])
    with wrong, pytest.raises(crypto.FieldKeyError, match="rotate_field_keys"):
        ApplicantProfile.objects.get(pk=profile.pk)


# --- Keys from the environment -------------------------------------------------------------------------------


def test_out_of_the_box_development_keys_work():
    keys, hash_key = crypto.keys_from_environment("", "", production=False)
    assert keys == [crypto.DEVELOPMENT_FIELD_KEY] and hash_key == crypto.DEVELOPMENT_HASH_KEY


@pytest.mark.parametrize(
    ("keys", "hash_key", "message"),
    [
        ("", HASH_KEY, "GRADADMIT_FIELD_KEYS is not set"),
        (Fernet.generate_key().decode(), "", "GRADADMIT_FIELD_HASH_KEY is not set"),
        (crypto.DEVELOPMENT_FIELD_KEY, HASH_KEY, "development key"),
        ("not-a-key", HASH_KEY, "key number 1 is not a Fernet key"),
        (f"{Fernet.generate_key().decode()},abc", HASH_KEY, "key number 2 is not a Fernet key"),
        (Fernet.generate_key().decode(), "short", "at least 32 characters"),
    ],
)
def test_production_refuses_missing_or_wrong_keys(keys, hash_key, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.keys_from_environment(keys, hash_key, production=True)


def run_check(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "GRADADMIT_"))}
    env.update(GRADADMIT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="gradadmit.settings", **variables)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.mark.parametrize("keys", ["", "wrong-key"])
def test_production_settings_without_a_good_key_stop_at_startup(tmp_path, keys):
    result = run_check(
        tmp_path, DJANGO_SECRET_KEY="s" * 50, GRADADMIT_FIELD_KEYS=keys, GRADADMIT_FIELD_HASH_KEY=HASH_KEY
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "GRADADMIT_FIELD_KEYS" in result.stderr


def test_production_settings_with_keys_start(tmp_path):
    result = run_check(tmp_path, DJANGO_SECRET_KEY="s" * 50, GRADADMIT_FIELD_KEYS=Fernet.generate_key().decode(),
                       GRADADMIT_FIELD_HASH_KEY=HASH_KEY)  # fmt: skip
    assert result.returncode == 0, result.stderr
