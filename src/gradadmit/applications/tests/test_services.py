"""Applying, changing identity, withdrawing: rules enforced on the server."""

from datetime import timedelta

import pytest
from django.core import mail

from gradadmit.applications.models import Application
from gradadmit.applications.services import apply_to_program, change_identity, withdraw_application
from gradadmit.core import clock
from gradadmit.core.errors import DeadlinePassed, DomainError
from gradadmit.cycles.models import DeadlineExtension
from gradadmit.notifications.models import Message
from gradadmit.testing.factories import ProfileFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def close_application_window(cycle):
    cycle.milestones.filter(kind="application").update(
        starts_at=clock.now() - timedelta(days=30), ends_at=clock.now() - timedelta(seconds=1)
    )


def test_apply_creates_application_message_and_bilingual_email(django_capture_on_commit_callbacks):
    profile, program = ProfileFactory(), ProgramFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_to_program(applicant=profile.user, program=program, identity="general")
    assert application.is_active
    message = Message.objects.get(recipient=profile.user)
    assert message.email_status == Message.EmailStatus.SENT
    assert program.name_zh in mail.outbox[0].body and program.name_en in mail.outbox[0].body


def test_apply_twice_is_refused():
    profile, program = ProfileFactory(), ProgramFactory()
    apply_to_program(applicant=profile.user, program=program, identity="general")
    with pytest.raises(DomainError) as error:
        apply_to_program(applicant=profile.user, program=program, identity="general")
    assert error.value.code == "duplicate"
    assert Application.objects.count() == 1


def test_apply_needs_basic_details():
    with pytest.raises(DomainError) as error:
        apply_to_program(applicant=UserFactory(), program=ProgramFactory(), identity="general")
    assert error.value.code == "no_profile"


def test_apply_after_deadline_is_refused():
    profile, program = ProfileFactory(), ProgramFactory()
    close_application_window(program.cycle)
    with pytest.raises(DeadlinePassed):
        apply_to_program(applicant=profile.user, program=program, identity="general")


def test_extension_for_the_applicant_reopens_applying():
    profile, program = ProfileFactory(), ProgramFactory()
    close_application_window(program.cycle)
    DeadlineExtension.objects.create(
        cycle=program.cycle, kind="application", applicant=profile.user,
        extended_until=clock.now() + timedelta(hours=2), reason="system outage",
    )  # fmt: skip
    assert apply_to_program(applicant=profile.user, program=program, identity="general").is_active


def test_article7_applicants_follow_their_earlier_window():
    profile = ProfileFactory(education_status="equivalent", equivalent_article=7)
    program = ProgramFactory()
    program.cycle.milestones.filter(kind="application", scope="article7").update(
        ends_at=clock.now() - timedelta(minutes=1)
    )
    with pytest.raises(DeadlinePassed):
        apply_to_program(applicant=profile.user, program=program, identity="general")
    # An ordinary applicant can still apply.
    assert apply_to_program(applicant=ProfileFactory().user, program=program, identity="general")


def test_in_service_needs_one_year_of_service():
    profile, program = ProfileFactory(employer="台積電", service_years=0), ProgramFactory()
    with pytest.raises(DomainError) as error:
        apply_to_program(applicant=profile.user, program=program, identity="in_service")
    assert error.value.code == "in_service"
    profile.service_years = 1
    profile.save()
    assert apply_to_program(applicant=profile.user, program=program, identity="in_service").identity == "in_service"


def test_identity_without_quota_is_refused():
    profile, program = ProfileFactory(employer="x", service_years=3), ProgramFactory(quota_in_service=0)
    with pytest.raises(DomainError):
        apply_to_program(applicant=profile.user, program=program, identity="in_service")


def test_unpublished_cycle_takes_no_applications():
    profile, program = ProfileFactory(), ProgramFactory(cycle__is_published=False)
    with pytest.raises(DomainError):
        apply_to_program(applicant=profile.user, program=program, identity="general")


def test_withdraw_then_apply_again_reuses_the_row():
    profile, program = ProfileFactory(), ProgramFactory()
    application = apply_to_program(applicant=profile.user, program=program, identity="general")
    withdraw_application(applicant=profile.user, application=application)
    with pytest.raises(DomainError):
        withdraw_application(applicant=profile.user, application=application)
    again = apply_to_program(applicant=profile.user, program=program, identity="general")
    assert again.pk == application.pk and again.is_active


def test_withdraw_after_deadline_is_refused():
    profile, program = ProfileFactory(), ProgramFactory()
    application = apply_to_program(applicant=profile.user, program=program, identity="general")
    close_application_window(program.cycle)
    with pytest.raises(DeadlinePassed):
        withdraw_application(applicant=profile.user, application=application)
    application.refresh_from_db()
    assert application.is_active


def test_identity_cannot_change_after_deadline():
    profile, program = ProfileFactory(employer="x", service_years=2), ProgramFactory()
    application = apply_to_program(applicant=profile.user, program=program, identity="general")
    close_application_window(program.cycle)
    with pytest.raises(DeadlinePassed):
        change_identity(applicant=profile.user, application=application, identity="in_service")
    application.refresh_from_db()
    assert application.identity == "general"
