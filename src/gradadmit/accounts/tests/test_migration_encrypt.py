"""Migration accounts/0003 encrypts the numbers already stored, and its reverse gives them back plain."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import crypto
from gradadmit.testing.factories import UserFactory, valid_taiwan_id

BEFORE = [("accounts", "0002_search_indexes_postgresql")]
AFTER = [("accounts", "0003_encrypt_identity_numbers")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def columns(*names):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(names)} FROM accounts_applicantprofile ORDER BY id")  # noqa: S608
        return cursor.fetchall()


ALL = ("national_id", "passport_number", "national_id_hash", "passport_number_hash")


@pytest.mark.django_db(transaction=True)
def test_existing_numbers_are_encrypted_and_hashed_then_given_back():
    users = [UserFactory(), UserFactory()]
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO accounts_applicantprofile (user_id, name_zh, name_en, nationality, national_id, "
                "passport_number, birth_date, gender, phone_mobile, phone_home, postal_code, address, school, "
                "department, education_status, employer, job_title, updated_at) VALUES (%s, '王', 'W', %s, %s, %s, "
                "'1999-05-04', 'male', '0912', '', '', 'x', 's', 'd', 'expected', '', '', '2026-01-01 00:00:00')",
                [(users[0].pk, "tw", valid_taiwan_id(71), ""), (users[1].pk, "foreign", "", "x1234567")],
            )
        migrate(AFTER)
        (nid, passport, nid_hash, passport_hash), (nid2, passport2, nid_hash2, passport_hash2) = columns(*ALL)
        assert crypto.is_token(nid) and passport == "" and nid_hash == crypto.search_hash(valid_taiwan_id(71))
        assert nid2 == "" and crypto.is_token(passport2) and passport_hash2 == crypto.search_hash("X1234567")
        assert passport_hash == "" and nid_hash2 == ""
        assert ApplicantProfile.objects.get(user=users[1]).passport_number == "x1234567"
        migrate(BEFORE)
        assert columns(*ALL[:2]) == [(valid_taiwan_id(71), ""), ("", "x1234567")]
    finally:
        migrate(AFTER)
