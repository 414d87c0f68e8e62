"""Office pages: department staff see only their programmes; configuration is for the office only."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import DeadlineExtension
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    UserFactory,
    assign,
)

pytestmark = pytest.mark.django_db


def test_department_staff_see_only_assigned_programmes(client):
    mine, other = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    client.force_login(staff)
    page = client.get(reverse("office:home"))
    assert [row["program"] for row in page.context["rows"]] == [mine]
    assert client.get(reverse("office:program_applications", args=[mine.pk])).status_code == 200
    assert client.get(reverse("office:program_applications", args=[other.pk])).status_code == 404


def test_department_staff_cannot_configure(client):
    program = ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    assert client.get(reverse("office:clone_cycle", args=[program.cycle.pk])).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302  # sent to sign-in, no admin for departments


def test_applicants_cannot_open_office_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("office:home")).status_code == 403


def test_office_sees_every_programme_and_counts(client):
    ApplicationFactory(), ApplicationFactory(identity="in_service")
    client.force_login(OfficeFactory())
    rows = client.get(reverse("office:home")).context["rows"]
    assert len(rows) == 2
    assert sum(row["counts"]["in_service"] for row in rows) == 1


def test_staff_with_required_mfa_must_set_it_up(client):
    staff = OfficeFactory(require_mfa=True)
    client.force_login(staff)
    response = client.get(reverse("office:home"))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_grant_extension_is_recorded_with_who_and_why(client):
    program = ProgramFactory()
    office = OfficeFactory()
    client.force_login(office)
    until = (clock.now() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("office:extensions", args=[program.cycle.pk]),
        {"kind": "application", "extended_until": until, "reason": "Power outage on the last day"},
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert extension.granted_by == office and extension.applicant is None
    entry = AuditEntry.objects.get(action="deadline.extend")
    assert entry.actor == office and entry.reason == "Power outage on the last day"


def test_extension_earlier_than_schedule_is_refused(client):
    program = ProgramFactory()
    client.force_login(OfficeFactory())
    until = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("office:extensions", args=[program.cycle.pk]),
        {"kind": "application", "extended_until": until, "reason": "x"},
    )
    assert response.status_code == 200 and not DeadlineExtension.objects.exists()
