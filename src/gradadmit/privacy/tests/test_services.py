"""Retention and the anonymisation's refusals: not ended, inside retention, registrar, office only."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Milestone
from gradadmit.enrolment.models import Admission
from gradadmit.privacy import services
from gradadmit.privacy.models import Anonymisation
from gradadmit.privacy.retention import retention_for
from gradadmit.testing.factories import (
    AdmissionFactory,
    ApplicationFactory,
    CycleFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def _cycle_ended(days_ago: int):
    cycle = CycleFactory(open_window=False)
    now = clock.now()
    Milestone.objects.create(cycle=cycle, kind="application", starts_at=now - timedelta(days=days_ago + 60),
                             ends_at=now - timedelta(days=days_ago + 30))  # fmt: skip
    Milestone.objects.create(cycle=cycle, kind="waitlist_promotion", starts_at=now - timedelta(days=days_ago + 5),
                             ends_at=now - timedelta(days=days_ago))  # fmt: skip
    return cycle


def test_a_cycle_that_has_not_ended_is_refused():
    cycle = CycleFactory()  # application window open now
    with pytest.raises(DomainError, match="has not ended"):
        services.start_anonymisation(actor=OfficeFactory(), cycle=cycle)
    assert not Anonymisation.objects.exists()


def test_a_cycle_inside_its_retention_period_is_refused():
    cycle = _cycle_ended(days_ago=100)  # default retention 365 days
    with pytest.raises(DomainError, match="retention period"):
        services.start_anonymisation(actor=OfficeFactory(), cycle=cycle)
    assert not Anonymisation.objects.exists()


def test_the_retention_period_is_set_per_cycle_and_audited():
    cycle = _cycle_ended(days_ago=100)
    office = OfficeFactory()
    services.set_retention_days(actor=office, cycle=cycle, days=90)
    retention = retention_for(cycle, now=clock.now())
    assert retention.allowed and retention.days == 90
    with pytest.raises(DomainError):
        services.set_retention_days(actor=DepartmentStaffFactory(), cycle=cycle, days=0)


def test_admitted_lists_must_reach_the_registrar_first(client, django_capture_on_commit_callbacks):
    cycle = _cycle_ended(days_ago=400)
    program = ProgramFactory(cycle=cycle)
    AdmissionFactory(application=ApplicationFactory(program=program))
    office = OfficeFactory()
    with pytest.raises(DomainError, match="registrar"):
        services.start_anonymisation(actor=office, cycle=cycle)
    # The office's full admitted-list export (the registrar's copy, with the ID numbers) records the hand-over;
    # the masked one does not.
    client.force_login(office)
    assert client.get(f"/office/programs/{program.pk}/check-in/admitted.xlsx").status_code == 200
    assert services.admitted_lists_not_exported(cycle) == [program]
    assert client.get(f"/office/programs/{program.pk}/check-in/admitted.xlsx?full=1").status_code == 200
    assert services.admitted_lists_not_exported(cycle) == []
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_anonymisation(actor=office, cycle=cycle)
    run.refresh_from_db()
    assert run.status == Anonymisation.Status.DONE and Admission.objects.filter(program=program).exists()


def test_only_the_office_anonymises():
    cycle = _cycle_ended(days_ago=400)
    with pytest.raises(DomainError, match="admissions office"):
        services.start_anonymisation(actor=DepartmentStaffFactory(), cycle=cycle)
