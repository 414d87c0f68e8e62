"""Tokens: created by staff for themselves or by the office for a service account, shown once, stored hashed,
scoped to visible programmes, revoked at once; the office page lists, creates and revokes."""

import pytest
from django.urls import reverse

from gradadmit.api import services
from gradadmit.api.models import ApiToken, ServiceAccount
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import ProgramAssignment
from gradadmit.testing.factories import PASSWORD, DepartmentStaffFactory, OfficeFactory, ProgramFactory, assign

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_hashed_and_its_secret_returned_once():
    staff, program = DepartmentStaffFactory(), ProgramFactory()
    assign(staff, program)
    token, secret = services.create_token(actor=staff, name="my tool", programs=[program], access="read", days=30)
    assert secret.startswith(f"ga_{token.prefix}_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.secret_hash, stored.prefix) and stored.secret_hash == services.hash_secret(secret)
    assert AuditEntry.objects.filter(action="api.token_create").exists()


def test_department_staff_cannot_scope_a_token_to_a_programme_they_do_not_see():
    staff = DepartmentStaffFactory()
    with pytest.raises(DomainError):
        services.create_token(actor=staff, name="x", programs=[ProgramFactory()], access="read", days=30)


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lasts_1_to_366_days(days):
    office = OfficeFactory()
    with pytest.raises(DomainError):
        services.create_token(actor=office, name="x", programs=[ProgramFactory()], access="read", days=days)


def test_only_the_office_creates_service_accounts_and_their_tokens():
    office, staff, program = OfficeFactory(), DepartmentStaffFactory(), ProgramFactory()
    with pytest.raises(DomainError):
        services.create_service_account(actor=staff, name="registrar")
    account = services.create_service_account(actor=office, name="registrar")
    assert not account.user.has_usable_password()
    assign(staff, program)
    with pytest.raises(DomainError):
        services.create_token(actor=staff, name="x", programs=[program], access="read", days=3, service_account=account)
    token, _secret = services.create_token(actor=office, name="x", programs=[program], access="read", days=3,
                                           service_account=account)  # fmt: skip
    assert token.user == account.user
    assert ProgramAssignment.objects.filter(user=account.user, program=program).exists()


def test_office_page_creates_a_token_shows_it_once_and_revokes_it(client):
    office, program = OfficeFactory(), ProgramFactory()
    client.login(email=office.email, password=PASSWORD)
    response = client.post(reverse("api_tokens:create"), {"name": "registrar sync", "owner": "new",
                           "service_name": "Registrar", "programs": [program.pk], "access": "read", "days": 30})  # fmt: skip
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.encode() in response.content and response["Cache-Control"] == "no-store"
    assert token.user.service_account == ServiceAccount.objects.get(name="Registrar")
    listing = client.get(reverse("api_tokens:list"))
    assert b"registrar sync" in listing.content and secret.encode() not in listing.content
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_staff_see_and_revoke_only_their_own_tokens(client):
    program = ProgramFactory()
    mine, theirs = DepartmentStaffFactory(), DepartmentStaffFactory()
    assign(mine, program)
    assign(theirs, program)
    token, _secret = services.create_token(actor=theirs, name="theirs", programs=[program], access="read", days=3)
    client.login(email=mine.email, password=PASSWORD)
    assert b"theirs" not in client.get(reverse("api_tokens:list")).content
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    response = client.post(reverse("api_tokens:create"), {"name": "mine", "owner": "new", "service_name": "x",
                                                          "programs": [program.pk], "access": "read", "days": 3})  # fmt: skip
    assert response.status_code == 400  # department staff cannot make service accounts
    assert not ServiceAccount.objects.exists()


def test_applicants_cannot_open_the_token_pages(client):
    from gradadmit.testing.factories import ProfileFactory

    applicant = ProfileFactory().user
    client.login(email=applicant.email, password=PASSWORD)
    assert client.get(reverse("api_tokens:list")).status_code == 403
