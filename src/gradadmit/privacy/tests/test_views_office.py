"""Office pages: the cycles' retention, the dry run, the run and its report; office only."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gradadmit.accounts.models import User
from gradadmit.core import clock
from gradadmit.cycles.models import Milestone
from gradadmit.privacy.models import Anonymisation
from gradadmit.testing.factories import (
    ApplicationFactory,
    CycleFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    upload_required_documents,
)

pytestmark = [pytest.mark.django_db]


def _finished_cycle(days_ago=400):
    cycle = CycleFactory(open_window=False)
    now = clock.now()
    Milestone.objects.create(cycle=cycle, kind="application", starts_at=now - timedelta(days=days_ago + 60),
                             ends_at=now - timedelta(days=days_ago))  # fmt: skip
    return cycle


def test_department_staff_cannot_open_the_pages(client):
    cycle = _finished_cycle()
    client.force_login(DepartmentStaffFactory())
    assert client.get(reverse("privacy:office_cycles")).status_code == 403
    assert client.get(reverse("privacy:office_cycle", args=[cycle.pk])).status_code == 403
    assert client.post(reverse("privacy:office_run", args=[cycle.pk]), {"confirm": "on"}).status_code == 403


def test_an_unknown_cycle_is_404(client):
    client.force_login(OfficeFactory())
    assert client.get(reverse("privacy:office_cycle", args=[987654])).status_code == 404


def _end(cycle, days_ago=400):
    """Move the whole calendar into the past."""
    for milestone in cycle.milestones.all():
        milestone.starts_at -= timedelta(days=days_ago + 60)
        milestone.ends_at = milestone.starts_at + timedelta(days=1)
        milestone.save()


def test_the_dry_run_lists_what_will_go_and_changes_nothing(english):
    client = english
    application = ApplicationFactory()
    documents = upload_required_documents(application)
    cycle = application.program.cycle
    _end(cycle)
    client.force_login(OfficeFactory())
    page = client.get(reverse("privacy:office_cycle", args=[cycle.pk]), {"dry_run": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Files: documents" in text and f">{len(documents)}<" in text
    assert application.program.code in text
    assert not Anonymisation.objects.exists()
    assert User.objects.get(pk=application.applicant_id).email == application.applicant.email


def test_the_run_needs_the_confirmation_then_shows_the_report(client, django_capture_on_commit_callbacks):
    cycle = _finished_cycle()
    application = ApplicationFactory(program=ProgramFactory(cycle=cycle))
    client.force_login(OfficeFactory())
    url = reverse("privacy:office_run", args=[cycle.pk])
    assert client.post(url, {}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    run = Anonymisation.objects.get(cycle=cycle)
    assert run.status == Anonymisation.Status.DONE
    page = client.get(reverse("privacy:office_cycle", args=[cycle.pk])).content.decode()
    assert "applicants" in page and "Statistics kept" in page or "統計" in page
    assert User.objects.get(pk=application.applicant_id).email.endswith("@anonymised.invalid")


def test_a_refused_run_says_why(english):
    cycle = CycleFactory()  # not ended
    english.force_login(OfficeFactory())
    response = english.post(reverse("privacy:office_run", args=[cycle.pk]), {"confirm": "on"})
    assert response.status_code == 400 and "has not ended" in response.content.decode()
    assert not Anonymisation.objects.exists()


def test_the_retention_period_is_set_on_the_page(client):
    cycle = _finished_cycle(days_ago=10)
    client.force_login(OfficeFactory())
    response = client.post(reverse("privacy:office_retention", args=[cycle.pk]), {"retention_days": "5"})
    assert response.status_code == 302
    page = client.get(reverse("privacy:office_cycles")).content.decode()
    assert ">5<" in page
