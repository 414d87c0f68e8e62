"""Choosing recipients: each filter selects the right applicants, one row per applicant, scoped to who asks."""

import pytest

from gradadmit.core import clock
from gradadmit.eligibility.tests.helpers import pay_application_fee
from gradadmit.mailings.models import Mailing
from gradadmit.mailings.selectors import matching_applications, numbers_out_of_reach, split_numbers
from gradadmit.recommendations import services as recommendation_services
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.factories import (
    AdmissionFactory,
    ApplicationFactory,
    ProgramFactory,
    RecommendationRequestFactory,
    ReviewDecisionFactory,
    WaitlistEntryFactory,
    upload_required_documents,
)
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def chosen(user, program, **filters):
    mailing = Mailing(cycle=program.cycle, program=program, **filters)
    return {a.pk for a in matching_applications(user, mailing)}


@pytest.fixture
def two(program):
    return ApplicationFactory(program=program), ApplicationFactory(program=program)


def test_every_active_application_of_the_programme_without_filters(office, program, two):
    withdrawn = ApplicationFactory(program=program, status="withdrawn")
    ApplicationFactory()  # another programme
    assert chosen(office, program) == {two[0].pk, two[1].pk}
    assert withdrawn.pk not in chosen(office, program)


def test_identity(office, program, two):
    in_service = ApplicationFactory(program=program, identity="in_service")
    assert chosen(office, program, identity="in_service") == {in_service.pk}
    assert chosen(office, program, identity="general") == {two[0].pk, two[1].pk}


def test_unpaid_uses_the_fee_rows(office, program, two):
    paid, unpaid = two
    pay_application_fee(paid)
    assert chosen(office, program, unpaid=True) == {unpaid.pk}


def test_documents_incomplete(office, program, two):
    complete, incomplete = two
    upload_required_documents(complete)
    assert chosen(office, program, documents_incomplete=True) == {incomplete.pk}


def test_letters_missing(office):
    program = ProgramFactory(recommendation_policy="at_least", recommendations_required=1)
    with_letter, without = ApplicationFactory(program=program), ApplicationFactory(program=program)
    letter = recommendation_services.accept(request=RecommendationRequestFactory(application=with_letter))
    recommendation_services.submit_upload(request=letter, upload=upload("letter.pdf", pdf_bytes()))
    RecommendationRequestFactory(application=without, status="invited")
    assert chosen(office, program, letters_missing=True) == {without.pk}


def test_qualified(office, program, two):
    qualified, other = two
    ReviewDecisionFactory(application=qualified, result="qualified")
    ReviewDecisionFactory(application=other, result="not_qualified", reason="No degree.")
    assert chosen(office, program, qualified=True) == {qualified.pk}


def test_invited_to_the_interview(office, program, two):
    InterviewInvitation.objects.create(application=two[0], invited_at=clock.now())
    assert chosen(office, program, invited=True) == {two[0].pk}


def test_admitted_holding_a_place(office, program, two):
    AdmissionFactory(application=two[0])
    AdmissionFactory(application=two[1], status="given_up", given_up_at=clock.now())
    assert chosen(office, program, admitted=True) == {two[0].pk}


def test_waitlisted_and_waiting(office, program, two):
    WaitlistEntryFactory(application=two[0])
    WaitlistEntryFactory(application=two[1], status="declined")
    assert chosen(office, program, waitlisted=True) == {two[0].pk}


def test_filters_combine(office, program, two):
    first, second = two
    ReviewDecisionFactory(application=first, result="qualified")
    ReviewDecisionFactory(application=second, result="qualified")
    pay_application_fee(second)
    assert chosen(office, program, qualified=True, unpaid=True) == {first.pk}


def test_pasted_numbers_narrow_the_choice(office, program, two):
    assert chosen(office, program, application_numbers=[two[1].pk]) == {two[1].pk}


def test_one_row_per_applicant_across_programmes(office, program):
    first = ApplicationFactory(program=program)
    ApplicationFactory(program=ProgramFactory(cycle=program.cycle), applicant=first.applicant)
    mailing = Mailing(cycle=program.cycle, program=None)
    applications = matching_applications(office, mailing)
    assert [a.pk for a in applications] == [first.pk]


def test_department_staff_choose_only_in_their_programmes(dept, program):
    mine = ApplicationFactory(program=program)
    other = ApplicationFactory(program=ProgramFactory(cycle=program.cycle))
    mailing = Mailing(cycle=program.cycle, program=None)
    assert [a.pk for a in matching_applications(dept, mailing)] == [mine.pk]
    assert numbers_out_of_reach(dept, cycle=program.cycle, program=None, numbers=[mine.pk, other.pk, 999999]) == [
        other.pk,
        999999,
    ]


def test_pasted_numbers_are_split_on_any_separator():
    assert split_numbers("12, 13\n#14；15、 x9 12") == ([12, 13, 14, 15], ["x9"])
