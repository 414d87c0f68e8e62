"""Enrolment services: check-in, give-up, no-show, waitlist promotion; each refusal in the issue has a test."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import Milestone
from gradadmit.enrolment import services
from gradadmit.enrolment.models import Admission, SeatPool, WaitlistEntry
from gradadmit.enrolment.tests.helpers import windows
from gradadmit.notifications.models import Message
from gradadmit.scoring import services as scoring
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.factories import (
    PASSWORD,
    AdmissionFactory,
    ApplicationFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def pool(program, identity="general"):
    return SeatPool.objects.get(program=program, identity=identity)


# --- opening from the published result ----------------------------------------------------------------


def test_open_enrolment_creates_admissions_places_and_waitlist_from_published_run():
    program = ProgramFactory(quota_general=1, quota_in_service=0, waitlist_general=1)
    office = OfficeFactory()
    apps = []
    for i in range(3):
        application = ApplicationFactory(program=program)
        for stage in program.stages.all():
            scoring.enter_stage_score(actor=office, application=application, stage=stage, score=90 - i)
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
        apps.append(application)
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    scoring.publish_run(actor=office, run=scoring.run_ranking(actor=office, program=program))
    windows(program)

    assert services.open_enrolment(actor=office, program=program) == 1
    assert Admission.objects.get().application == apps[0]
    assert (pool(program).places, pool(program).held) == (1, 1)
    assert WaitlistEntry.objects.get().application == apps[1]
    with pytest.raises(DomainError):
        services.open_enrolment(actor=office, program=program)


# --- check-in -----------------------------------------------------------------------------------------


def test_check_in_within_window_is_recorded_with_audit_and_message():
    admission = AdmissionFactory()
    windows(admission.program)
    services.check_in(applicant=admission.applicant, admission=admission, documents_confirmed=True)
    admission.refresh_from_db()
    assert (admission.status, admission.how) == ("checked_in", "online")
    assert AuditEntry.objects.filter(action="enrolment.check_in_online").exists()
    assert Message.objects.filter(recipient=admission.applicant, kind="enrolment/checked_in").exists()


@pytest.mark.parametrize("state", ["closed", "ended"])
def test_check_in_outside_window_refused(state):
    admission = AdmissionFactory()
    windows(admission.program, checkin=state)
    with pytest.raises(DomainError):
        services.check_in(applicant=admission.applicant, admission=admission, documents_confirmed=True)
    admission.refresh_from_db()
    assert admission.status == "offered"


def test_check_in_needs_documents_or_undertaking():
    admission = AdmissionFactory()
    windows(admission.program)
    with pytest.raises(DomainError):
        services.check_in(applicant=admission.applicant, admission=admission, documents_confirmed=False)
    services.check_in(applicant=admission.applicant, admission=admission, documents_confirmed=False, undertaking=True)
    admission.refresh_from_db()
    assert admission.undertaking is True


def test_check_in_releases_other_admissions_only_after_confirmation():
    first = AdmissionFactory()
    second = AdmissionFactory(application=ApplicationFactory(applicant=first.applicant))
    windows(first.program)
    windows(second.program)
    with pytest.raises(DomainError) as refused:
        services.check_in(applicant=first.applicant, admission=first, documents_confirmed=True)
    assert refused.value.code == "confirm"
    services.check_in(applicant=first.applicant, admission=first, documents_confirmed=True, confirm_release=True)
    second.refresh_from_db()
    assert second.status == "released"
    assert pool(second.program).held == 0


def test_check_in_to_two_programmes_refused():
    first = AdmissionFactory()
    second = AdmissionFactory(application=ApplicationFactory(applicant=first.applicant))
    windows(first.program)
    windows(second.program)
    services.check_in(applicant=first.applicant, admission=first, documents_confirmed=True, confirm_release=True)
    with pytest.raises(DomainError):
        services.check_in(applicant=first.applicant, admission=second, documents_confirmed=True, confirm_release=True)
    assert Admission.objects.filter(applicant=first.applicant, status="checked_in").count() == 1


def test_check_in_to_someone_elses_admission_refused():
    admission = AdmissionFactory()
    windows(admission.program)
    with pytest.raises(DomainError):
        services.check_in(applicant=ProfileFactory().user, admission=admission, documents_confirmed=True)


def test_paper_check_in_by_staff():
    admission = AdmissionFactory()
    windows(admission.program)
    services.record_paper_check_in(actor=OfficeFactory(), admission=admission)
    admission.refresh_from_db()
    assert (admission.status, admission.how) == ("checked_in", "paper")


def test_paper_check_in_refused_to_applicant():
    admission = AdmissionFactory()
    windows(admission.program)
    with pytest.raises(DomainError):
        services.record_paper_check_in(actor=admission.applicant, admission=admission)


# --- give-up (附件十) ---------------------------------------------------------------------------------


def test_give_up_with_password_frees_the_place():
    admission = AdmissionFactory()
    services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    admission.refresh_from_db()
    assert admission.status == "given_up" and admission.given_up_at is not None
    assert pool(admission.program).held == 0
    assert Message.objects.filter(kind="enrolment/given_up").exists()


def test_give_up_with_wrong_password_refused():
    admission = AdmissionFactory()
    with pytest.raises(DomainError):
        services.give_up(applicant=admission.applicant, admission=admission, password="wrong")
    admission.refresh_from_db()
    assert admission.status == "offered"


def test_second_give_up_refused():
    admission = AdmissionFactory()
    services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    with pytest.raises(DomainError):
        services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    assert pool(admission.program).held == 0


def test_give_up_cannot_be_withdrawn_by_checking_in():
    admission = AdmissionFactory()
    windows(admission.program)
    services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    with pytest.raises(DomainError):
        services.check_in(applicant=admission.applicant, admission=admission, documents_confirmed=True)
    admission.refresh_from_db()
    assert admission.status == "given_up"


def test_give_up_of_someone_elses_admission_refused():
    admission = AdmissionFactory()
    other = ProfileFactory().user
    with pytest.raises(DomainError):
        services.give_up(applicant=other, admission=admission, password=PASSWORD)


# --- no-show ------------------------------------------------------------------------------------------


def test_no_show_marked_after_window_frees_place():
    admission = AdmissionFactory(deadline=clock.now() - timedelta(hours=1))
    windows(admission.program, checkin="ended")
    assert services.mark_no_shows(actor=OfficeFactory(), program=admission.program) == 1
    admission.refresh_from_db()
    assert admission.status == "no_show"
    assert pool(admission.program).held == 0


def test_no_show_not_marked_before_deadline():
    admission = AdmissionFactory()
    windows(admission.program)
    assert services.mark_no_shows(actor=OfficeFactory(), program=admission.program) == 0


# --- promotion ----------------------------------------------------------------------------------------


def vacancy_with_waitlist(n=2, **program_kwargs):
    program = ProgramFactory(**program_kwargs)
    admission = AdmissionFactory(application=ApplicationFactory(program=program))
    entries = [WaitlistEntryFactory(application=ApplicationFactory(program=program), position=i + 1) for i in range(n)]
    windows(program)
    services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    return program, entries


def test_promotion_offers_next_in_order_with_deadline():
    program, entries = vacancy_with_waitlist()
    offer = services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    assert offer.application == entries[0].application
    assert offer.source == "promotion" and offer.deadline > clock.now()
    entries[0].refresh_from_db()
    assert entries[0].status == "offered"
    assert pool(program).held == 1
    assert Message.objects.filter(recipient=offer.applicant, kind="enrolment/promoted").exists()


def test_promotion_skips_who_does_not_want_it_and_logs_it():
    program, entries = vacancy_with_waitlist()
    services.set_wants_promotion(applicant=entries[0].application.applicant, entry=entries[0], wants=False)
    offer = services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    assert offer.application == entries[1].application
    assert AuditEntry.objects.get(action="enrolment.promote").after["skipped_no_wish"] == [1]


def test_promotion_without_vacancy_refused():
    program, _entries = vacancy_with_waitlist()
    office = OfficeFactory()
    services.promote_next(actor=office, program=program, identity="general")
    with pytest.raises(DomainError) as refused:
        services.promote_next(actor=office, program=program, identity="general")
    assert refused.value.code == "no_vacancy"


def test_promotion_beyond_the_waitlist_refused():
    program, _entries = vacancy_with_waitlist(n=0)
    with pytest.raises(DomainError) as refused:
        services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    assert refused.value.code == "exhausted"


def test_promotion_after_the_period_refused():
    program, _entries = vacancy_with_waitlist()
    windows(program, promotion="ended")
    with pytest.raises(DomainError):
        services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    assert not Admission.objects.filter(source="promotion").exists()


def test_decline_moves_to_the_next():
    program, entries = vacancy_with_waitlist()
    office = OfficeFactory()
    offer = services.promote_next(actor=office, program=program, identity="general")
    services.decline_offer(applicant=offer.applicant, admission=offer)
    entries[0].refresh_from_db()
    assert entries[0].status == "declined"
    assert (
        services.promote_next(actor=office, program=program, identity="general").application == entries[1].application
    )


def test_lapsed_offer_moves_to_the_next():
    program, entries = vacancy_with_waitlist()
    office = OfficeFactory()
    offer = services.promote_next(actor=office, program=program, identity="general")
    Admission.objects.filter(pk=offer.pk).update(deadline=clock.now() - timedelta(minutes=1))
    assert services.mark_no_shows(actor=office, program=program) == 1
    entries[0].refresh_from_db()
    assert entries[0].status == "lapsed"
    assert (
        services.promote_next(actor=office, program=program, identity="general").application == entries[1].application
    )


def test_promoted_applicant_checks_in_before_reply_deadline():
    program, entries = vacancy_with_waitlist()
    offer = services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    services.check_in(applicant=offer.applicant, admission=offer, documents_confirmed=True)
    entries[0].refresh_from_db()
    assert entries[0].status == "promoted"


def test_flow_rule_offers_other_identity_when_own_waitlist_empty():
    program, _ = vacancy_with_waitlist(n=0, quota_flows=True)
    in_service = WaitlistEntryFactory(
        application=ApplicationFactory(program=program, identity="in_service"), position=1
    )
    offer = services.promote_next(actor=OfficeFactory(), program=program, identity="general")
    assert offer.application == in_service.application and offer.seat_identity == "general"


def test_no_flow_keeps_identities_apart():
    program, _ = vacancy_with_waitlist(n=0, quota_flows=False)
    WaitlistEntryFactory(application=ApplicationFactory(program=program, identity="in_service"), position=1)
    with pytest.raises(DomainError):
        services.promote_next(actor=OfficeFactory(), program=program, identity="general")


def test_database_refuses_more_held_than_places():
    from django.db import IntegrityError

    admission = AdmissionFactory()
    with pytest.raises(IntegrityError):
        SeatPool.objects.filter(program=admission.program).update(held=2)


def test_worker_offers_a_freed_place_during_the_promotion_period(django_capture_on_commit_callbacks):
    program = ProgramFactory()
    admission = AdmissionFactory(application=ApplicationFactory(program=program))
    entry = WaitlistEntryFactory(application=ApplicationFactory(program=program), position=1)
    windows(program)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_up(applicant=admission.applicant, admission=admission, password=PASSWORD)
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert AuditEntry.objects.get(action="enrolment.promote").actor is None
