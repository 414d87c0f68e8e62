"""Wiping practice data: on closing (a durable job) and on the schedule; files deleted; idempotent."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from gradadmit.accounts.models import User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.documents.models import Document
from gradadmit.fees.models import Charge
from gradadmit.notifications.models import Message
from gradadmit.practice.models import PracticeAccount
from gradadmit.practice.services import (
    close_practice_cycle,
    pay_practice_fee,
    wipe_practice_data,
    wipe_stale_practice_data,
)
from gradadmit.practice.tests.conftest import make_practice_user
from gradadmit.recommendations.models import RecommendationRequest
from gradadmit.recommendations.services import add_recommender
from gradadmit.testing.factories import ApplicationFactory, upload_required_documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def walked(practice_application, django_capture_on_commit_callbacks):
    """A practice application that went through the flow: documents, a recommender, the sample payment."""
    program = practice_application.program
    program.recommendation_policy = "optional"
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        documents = upload_required_documents(practice_application)
        add_recommender(applicant=practice_application.applicant, application=practice_application,
                        data={"name": "王教授", "email": "p@example.edu.tw", "title": "教授",
                              "organisation": "建國科大", "relationship": "導師", "phone": ""})  # fmt: skip
        pay_practice_fee(applicant=practice_application.applicant, application=practice_application)
    return practice_application, [d.file.name for d in documents]


def test_wipe_deletes_accounts_applications_and_files(walked, real_program, django_capture_on_commit_callbacks):
    application, files = walked
    real = ApplicationFactory(program=real_program)
    assert files and all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):
        result = wipe_practice_data(cycle=application.program.cycle)
    assert result["accounts"] == 1 and result["applications"] == 1 and result["documents"] == len(files)
    assert not User.objects.filter(pk=application.applicant_id).exists()
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Document.objects.filter(application_id=application.pk).exists()
    assert not Charge.objects.filter(application_id=application.pk).exists()
    assert not RecommendationRequest.objects.filter(application_id=application.pk).exists()
    assert not Message.objects.filter(recipient_id=application.applicant_id).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert Application.objects.filter(pk=real.pk).exists()


def test_wiping_twice_finds_nothing_the_second_time(walked):
    application, _files = walked
    wipe_practice_data(cycle=application.program.cycle)
    assert wipe_practice_data(cycle=application.program.cycle) == {"accounts": 0, "applications": 0, "documents": 0}


def test_a_real_cycle_is_never_wiped(real_program):
    ApplicationFactory(program=real_program)
    with pytest.raises(DomainError):
        wipe_practice_data(cycle=real_program.cycle)
    assert Application.objects.count() == 1


def test_closing_unpublishes_and_the_job_wipes(office, walked, django_capture_on_commit_callbacks):
    application, _files = walked
    cycle = application.program.cycle
    with django_capture_on_commit_callbacks(execute=True):
        close_practice_cycle(actor=office, cycle=cycle)
    cycle.refresh_from_db()
    assert not cycle.is_published
    assert not PracticeAccount.objects.filter(cycle=cycle).exists()
    assert not Application.objects.filter(program__cycle=cycle).exists()


def test_closing_a_real_cycle_is_refused(office, real_program):
    with pytest.raises(DomainError):
        close_practice_cycle(actor=office, cycle=real_program.cycle)


def test_the_schedule_wipes_old_practice_accounts_and_keeps_new_ones(practice_cycle, practice_application):
    old = make_practice_user(practice_cycle)
    PracticeAccount.objects.filter(user=old).update(
        created_at=clock.now() - timedelta(hours=settings.GRADADMIT_PRACTICE_KEEP_HOURS + 1)
    )
    result = wipe_stale_practice_data()
    assert result["accounts"] == 1
    assert not User.objects.filter(pk=old.pk).exists()
    assert Application.objects.filter(pk=practice_application.pk).exists()


def test_the_schedule_wipes_a_closed_practice_cycle_entirely(practice_cycle, practice_application):
    type(practice_cycle).objects.filter(pk=practice_cycle.pk).update(is_published=False)
    assert wipe_stale_practice_data()["applications"] == 1


def test_the_wipe_is_on_the_schedule():
    from gradadmit.core.jobs import schedule

    assert "practice-wipe" in {entry.name for entry in schedule()}
