"""Anonymising a populated cycle: nothing of its applicants is left anywhere; what stays still adds up."""

from datetime import timedelta

import pytest

from gradadmit.accounts.models import User
from gradadmit.applications.models import Application
from gradadmit.core.models import AuditEntry
from gradadmit.documents.models import Document
from gradadmit.privacy import services
from gradadmit.privacy.models import Anonymisation
from gradadmit.privacy.tests.helpers import (
    applicant_ids_of,
    clock_moved,
    demo_cycle,
    personal_strings,
    scan_database,
    scan_storage,
)
from gradadmit.testing.factories import ApplicationFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=False)
AFTER_RETENTION = timedelta(days=3 * 365)


def test_nothing_of_the_applicants_is_left_in_any_table_or_file(tmp_path, django_capture_on_commit_callbacks):
    cycle, office = demo_cycle()
    # One applicant also applied in a later cycle that is still running: their account stays for it.
    stayer = User.objects.filter(applications__program__cycle=cycle).exclude(email__startswith="applicant@").first()
    ApplicationFactory(applicant=stayer, program=ProgramFactory())
    leaving = applicant_ids_of(cycle) - {stayer.pk}
    needles = personal_strings(leaving)
    stayer_needles = personal_strings({stayer.pk})
    assert len(needles) > 100 and scan_database(needles)  # the scan finds them before
    files_before = Document.objects.filter(application__program__cycle=cycle).exclude(file="").count()
    assert files_before > 20

    with clock_moved(AFTER_RETENTION), django_capture_on_commit_callbacks(execute=True):
        run = services.start_anonymisation(actor=office, cycle=cycle, registrar_confirmed=True)
    run.refresh_from_db()

    assert run.status == Anonymisation.Status.DONE
    assert run.report["statistics_kept"] is True
    assert run.report["counts"]["files_documents"] == files_before
    assert scan_database(needles - stayer_needles) == []
    assert scan_storage(tmp_path, needles - stayer_needles) == []
    assert not Document.objects.filter(application__program__cycle=cycle).exclude(file="").exists()
    # The stayer keeps their account and profile, with only the other cycle's application.
    stayer.refresh_from_db()
    assert stayer.is_active and stayer.profile.name_zh
    assert set(Application.objects.filter(applicant=stayer).values_list("program__cycle", flat=True)) != {cycle.pk}
    assert not Application.objects.filter(applicant=stayer, program__cycle=cycle).exists()
    assert run.report["counts"]["accounts_split"] == 1
    assert AuditEntry.objects.filter(action="privacy.cycle_anonymised", target_id=str(cycle.pk)).exists()


def test_running_twice_does_nothing_more(django_capture_on_commit_callbacks):
    cycle, office = demo_cycle(count=8)
    with clock_moved(AFTER_RETENTION):
        with django_capture_on_commit_callbacks(execute=True):
            services.start_anonymisation(actor=office, cycle=cycle, registrar_confirmed=True)
        audit = AuditEntry.objects.count()
        users = list(User.objects.order_by("pk").values_list("pk", "email"))
        with pytest.raises(services.DomainError, match="無需再執行"):
            services.start_anonymisation(actor=office, cycle=cycle, registrar_confirmed=True)
        run = Anonymisation.objects.get(cycle=cycle)
        services.run_anonymisation(run)  # the task delivered twice: nothing
    assert AuditEntry.objects.count() == audit
    assert list(User.objects.order_by("pk").values_list("pk", "email")) == users


def test_a_killed_run_resumes_where_it_stopped(monkeypatch):
    """The batch in which the worker died rolls back; the run again does the rest, and counts each applicant once."""
    from gradadmit.privacy import anonymise

    cycle, office = demo_cycle(count=12)
    monkeypatch.setattr(anonymise, "BATCH", 5)
    real = anonymise.anonymise_batch
    calls = []

    def dies_on_the_second_batch(cycle, user_ids):
        calls.append(user_ids)
        if len(calls) == 2:
            real(cycle, user_ids)
            raise SystemExit("worker killed")
        return real(cycle, user_ids)

    monkeypatch.setattr(anonymise, "anonymise_batch", dies_on_the_second_batch)
    total = len(applicant_ids_of(cycle))
    with clock_moved(AFTER_RETENTION):
        run = services.start_anonymisation(actor=office, cycle=cycle, registrar_confirmed=True)  # queued
        with pytest.raises(SystemExit):
            services.run_anonymisation(run)  # the worker dies in the second batch
        run.refresh_from_db()
        assert run.status == Anonymisation.Status.RUNNING and run.applicants_done == 5
        monkeypatch.setattr(anonymise, "anonymise_batch", real)
        run = services.run_anonymisation(run)
    assert run.status == Anonymisation.Status.DONE
    assert run.applicants_done == run.applicants_total == total
    assert run.report["counts"]["applicants"] == total
