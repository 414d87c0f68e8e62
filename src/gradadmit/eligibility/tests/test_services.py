"""Deciding: each result, its audit entry and notification, refusals, conflicts, frozen after publication."""

from datetime import timedelta

import pytest
from django.core import mail

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import DocumentRequirement
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.services import ReviewConflict, decide_many, decide_review
from gradadmit.exams.models import Publication
from gradadmit.notifications.models import Message
from gradadmit.testing.factories import ApplicationFactory, ProfileFactory, upload_required_documents

pytestmark = pytest.mark.django_db
Result = ReviewDecision.Result


def decide(application, staff, result, version=0, **kwargs):
    return decide_review(actor=staff, application=application, result=result, expected_version=version, **kwargs)


def cv(application):
    return application.program.document_requirements.get(code="cv")


def test_qualified_is_recorded_audited_and_notified(application, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(application, staff, Result.QUALIFIED)
    assert decision.result == Result.QUALIFIED and decision.version == 1 and decision.decided_by == staff
    entry = AuditEntry.objects.get(action="eligibility.decide")
    assert entry.actor == staff and entry.before["result"] == "pending" and entry.after["result"] == "qualified"
    assert Message.objects.filter(recipient=application.applicant, kind="eligibility/decision").exists()
    assert len(mail.outbox) == 1 and application.applicant.email in mail.outbox[0].to


def test_supplement_needs_message_deadline_and_items(application, staff):
    later = clock.now() + timedelta(days=3)
    with pytest.raises(DomainError):
        decide(application, staff, Result.SUPPLEMENT, supplement_until=later, supplement_items=[cv(application)])
    with pytest.raises(DomainError):
        decide(application, staff, Result.SUPPLEMENT, message="Upload a clearer CV", supplement_items=[cv(application)])
    with pytest.raises(DomainError):
        decide(application, staff, Result.SUPPLEMENT, message="Upload a clearer CV", supplement_until=later)
    decision = decide(
        application,
        staff,
        Result.SUPPLEMENT,
        message="Upload a clearer CV",
        supplement_until=later,
        supplement_items=[cv(application)],
    )
    assert list(decision.supplement_items.all()) == [cv(application)]


def test_supplement_of_another_programmes_item_is_refused(application, staff):
    other = ApplicationFactory()
    with pytest.raises(DomainError):
        decide(
            application,
            staff,
            Result.SUPPLEMENT,
            message="x",
            supplement_until=clock.now() + timedelta(days=1),
            supplement_items=[cv(other)],
        )


def test_not_qualified_needs_a_reason_and_other_needs_a_message(application, staff):
    with pytest.raises(DomainError):
        decide(application, staff, Result.NOT_QUALIFIED)
    with pytest.raises(DomainError):
        decide(application, staff, Result.NOT_QUALIFIED, reason="other")
    decision = decide(application, staff, Result.NOT_QUALIFIED, reason="degree")
    assert decision.get_reason_display()


def test_second_staff_deciding_on_the_same_version_sees_a_conflict(application, staff):
    decide(application, staff, Result.QUALIFIED, version=0)
    with pytest.raises(ReviewConflict) as conflict:
        decide(application, staff, Result.NOT_QUALIFIED, version=0, reason="degree")
    assert conflict.value.code == "conflict"
    decision = ReviewDecision.objects.get(application=application)
    assert decision.result == Result.QUALIFIED and decision.version == 1
    assert AuditEntry.objects.filter(action="eligibility.decide").count() == 1


def test_deciding_after_publication_is_refused_until_reopened(application, staff, program):
    decide(application, staff, Result.QUALIFIED)
    publication = Publication.objects.create(
        program=program, state=Publication.State.PUBLISHED, first_published_at=clock.now()
    )
    with pytest.raises(DomainError, match="."):
        decide(application, staff, Result.NOT_QUALIFIED, version=1, reason="degree")
    assert ReviewDecision.objects.get(application=application).result == Result.QUALIFIED
    publication.state = Publication.State.REOPENED
    publication.save()
    assert decide(application, staff, Result.NOT_QUALIFIED, version=1, reason="degree").version == 2


def test_article_7_is_decided_by_the_committee_only(program, staff):
    profile = ProfileFactory(education_status="equivalent", equivalent_article=7)
    application = ApplicationFactory(program=program, applicant=profile.user)
    with pytest.raises(DomainError):
        decide(application, staff, Result.QUALIFIED)
    referred = decide(application, staff, Result.COMMITTEE)
    with pytest.raises(DomainError):
        decide(application, staff, Result.QUALIFIED, version=referred.version, by_committee=True)
    decision = decide(
        application, staff, Result.QUALIFIED, version=referred.version, by_committee=True, committee_reference="113-2"
    )
    assert decision.by_committee and decision.committee_reference == "113-2"


def test_in_service_without_a_year_of_service_cannot_be_qualified(program, staff):
    DocumentRequirement.objects.create(
        program=program, order=3, code="service", name_zh="服務年資證明書", applies_to="in_service"
    )
    profile = ProfileFactory(employer="台積電", service_years=0)
    application = ApplicationFactory(program=program, applicant=profile.user, identity="in_service")
    upload_required_documents(application)
    with pytest.raises(DomainError, match="."):
        decide(application, staff, Result.QUALIFIED)
    profile.service_years = 2
    profile.save()
    assert decide(application, staff, Result.QUALIFIED).is_qualified


def test_in_service_without_the_certificate_cannot_be_qualified(program, staff):
    DocumentRequirement.objects.create(
        program=program, order=3, code="service", name_zh="服務年資證明書", applies_to="in_service"
    )
    profile = ProfileFactory(employer="台積電", service_years=3)
    application = ApplicationFactory(program=program, applicant=profile.user, identity="in_service")
    with pytest.raises(DomainError):
        decide(application, staff, Result.QUALIFIED)


def test_withdrawn_application_cannot_be_decided(application, staff):
    application.status = application.Status.WITHDRAWN
    application.save()
    with pytest.raises(DomainError):
        decide(application, staff, Result.QUALIFIED)


def test_bulk_decides_each_and_reports_conflicts(program, staff):
    first, second, third = (ApplicationFactory(program=program) for _ in range(3))
    decide(third, staff, Result.NOT_QUALIFIED, reason="photo")
    outcome = decide_many(actor=staff, selections=[(first, 0), (second, 0), (third, 0)], result=Result.QUALIFIED)
    assert outcome.decided == [first.pk, second.pk]
    assert [pk for pk, _ in outcome.refused] == [third.pk]
    assert ReviewDecision.objects.get(application=third).result == Result.NOT_QUALIFIED


def test_bulk_supplement_is_refused(application, staff):
    with pytest.raises(DomainError):
        decide_many(actor=staff, selections=[(application, 0)], result=Result.SUPPLEMENT)
