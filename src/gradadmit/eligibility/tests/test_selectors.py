"""Reads: the open supplement (named items, deadline), completeness from the checklist, the queue filters."""

from datetime import timedelta

import pytest

from gradadmit.core import clock
from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry
from gradadmit.eligibility.completeness import completeness_for_staff
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.eligibility.selectors import QueueFilters, open_supplement, review_queue
from gradadmit.eligibility.services import decide_review
from gradadmit.eligibility.tests.helpers import complete_application, pay_application_fee
from gradadmit.testing.factories import (
    ApplicationFactory,
    ProfileFactory,
    ReviewDecisionFactory,
    upload_required_documents,
)

pytestmark = pytest.mark.django_db
Result = ReviewDecision.Result


def requirement(application, code):
    return application.program.document_requirements.get(code=code)


def ask_supplement(application, staff, *codes, days=3):
    return decide_review(
        actor=staff,
        application=application,
        result=Result.SUPPLEMENT,
        expected_version=0,
        message="Please upload a clearer file.",
        supplement_until=clock.now() + timedelta(days=days),
        supplement_items=[requirement(application, code) for code in codes],
    )


def test_supplement_is_open_for_the_named_item_only(application, staff):
    ask_supplement(application, staff, "cv")
    assert open_supplement(application, requirement(application, "cv")) is not None
    assert open_supplement(application, requirement(application, "photo")) is None


def test_supplement_closes_at_its_deadline(application, staff):
    decision = ask_supplement(application, staff, "cv", days=1)
    after = decision.supplement_until + timedelta(seconds=1)
    assert open_supplement(application, requirement(application, "cv"), at=decision.supplement_until) is not None
    assert open_supplement(application, requirement(application, "cv"), at=after) is None


def test_supplement_closes_once_decided_otherwise(application, staff):
    ask_supplement(application, staff, "cv")
    decide_review(actor=staff, application=application, result=Result.QUALIFIED, expected_version=1)
    assert open_supplement(application, requirement(application, "cv")) is None


def test_supplement_of_one_application_does_not_open_another(application, staff, program):
    ask_supplement(application, staff, "cv")
    other = ApplicationFactory(program=program)
    assert open_supplement(other, requirement(other, "cv")) is None


def staff_completeness(application):
    decision = ReviewDecision.objects.filter(application=application).first()
    return completeness_for_staff([application], {application.id: decision})[application.id]


def test_qualified_with_every_row_done_is_complete(application):
    complete_application(application)
    ReviewDecisionFactory(application=application)
    state = staff_completeness(application)
    assert state.complete and state.documents_complete is True and state.paid is True and state.missing == []


def test_qualified_with_missing_documents_is_not_complete_and_says_what(application):
    pay_application_fee(application)
    ReviewDecisionFactory(application=application)
    state = staff_completeness(application)
    assert not state.complete
    assert [row.key for row in state.missing] == ["documents"]


def test_qualified_but_unpaid_is_not_complete_and_says_what(application):
    upload_required_documents(application)
    ReviewDecisionFactory(application=application)
    state = staff_completeness(application)
    assert not state.complete and state.paid is False
    assert [row.key for row in state.missing] == ["fees"]


def test_everything_done_but_not_reviewed_is_not_complete(application):
    complete_application(application)
    state = staff_completeness(application)
    assert not state.complete and state.missing == []


def test_any_other_apps_blocking_row_blocks_completeness(application, monkeypatch):
    def letters(applications, context):
        return {a.id: [ChecklistRow(key="letters", order=40, label="Letters", status=RowStatus.PENDING)]
                for a in applications}  # fmt: skip

    monkeypatch.setattr(checklist_registry, "providers", [*checklist_registry.providers, letters])
    complete_application(application)
    ReviewDecisionFactory(application=application)
    state = staff_completeness(application)
    assert not state.complete and [row.key for row in state.missing] == ["letters"]


def test_queue_filters_by_review_result_identity_and_basis(program, staff):
    pending = ApplicationFactory(program=program)
    qualified = ApplicationFactory(program=program, identity="in_service")
    ReviewDecisionFactory(application=qualified)
    article7 = ApplicationFactory(
        program=program, applicant=ProfileFactory(education_status="equivalent", equivalent_article=7).user
    )

    def ids(**filters):
        return [row.application.pk for row in review_queue(staff, program, QueueFilters(**filters)).rows]

    assert ids() == [pending.pk, qualified.pk, article7.pk]
    assert ids(status="pending") == [pending.pk, article7.pk]
    assert ids(status="qualified") == [qualified.pk]
    assert ids(identity="in_service") == [qualified.pk]
    assert ids(basis="article7") == [article7.pk]


def test_queue_filters_by_documents_and_fee(program, staff):
    complete = ApplicationFactory(program=program)
    upload_required_documents(complete)
    paid = ApplicationFactory(program=program)
    pay_application_fee(paid)

    def ids(**filters):
        return [row.application.pk for row in review_queue(staff, program, QueueFilters(**filters)).rows]

    assert ids(documents="complete") == [complete.pk]
    assert ids(documents="incomplete") == [paid.pk]
    assert ids(paid="no") == [complete.pk]
    assert ids(paid="yes") == [paid.pk]


def letter(application, status="completed", n=0):
    from gradadmit.recommendations.models import RecommendationLetter, RecommendationRequest

    done = RecommendationLetter.objects.create(
        kind="upload", file="l.pdf", size=1, sha256="0", submitted_at=clock.now()
    )
    RecommendationRequest.objects.create(
        application=application, name="陳", organisation="o", title="t", relationship="r",
        email=f"r{application.pk}-{n}@example.tw", status=status, letter=done if status == "completed" else None,
        token_expires_at=clock.now() + timedelta(days=9),
    )  # fmt: skip


def admission(application, status):
    from gradadmit.enrolment.models import Admission

    now = clock.now()
    Admission.objects.create(
        application=application, program=application.program, applicant=application.applicant,
        seat_identity=application.identity, source="result", status=status, deadline=now,
        **({"checked_in_at": now, "how": "online"} if status == "checked_in" else {}),
        **({"given_up_at": now} if status == "given_up" else {}),
    )  # fmt: skip


def test_queue_filters_by_letters(program, staff):
    from gradadmit.cycles.models import Program

    Program.objects.filter(pk=program.pk).update(recommendation_policy="at_least", recommendations_required=2)
    two, one, none = (ApplicationFactory(program=program) for _ in range(3))
    letter(two), letter(two, n=1), letter(one), letter(one, status="invited", n=1)

    def ids(**filters):
        return [row.application.pk for row in review_queue(staff, program, QueueFilters(**filters)).rows]

    assert ids(letters="complete") == [two.pk]
    assert ids(letters="missing") == [one.pk, none.pk]
    Program.objects.filter(pk=program.pk).update(recommendation_policy="optional", recommendations_required=0)
    program.refresh_from_db()
    assert ids(letters="complete") == [two.pk, one.pk, none.pk]  # optional letters never block
    assert ids(letters="missing") == []


def test_queue_filters_by_interview_invitation(program, staff):
    from gradadmit.scoring.models import InterviewInvitation

    invited, not_invited = ApplicationFactory(program=program), ApplicationFactory(program=program)
    InterviewInvitation.objects.create(application=invited, invited_at=clock.now())

    def ids(**filters):
        return [row.application.pk for row in review_queue(staff, program, QueueFilters(**filters)).rows]

    assert ids(invited="yes") == [invited.pk]
    assert ids(invited="no") == [not_invited.pk]


def test_queue_filters_by_ranking_result(program, staff):
    from gradadmit.enrolment.models import WaitlistEntry

    offered, checked_in, gave_up, waiting, promoted, nothing = (ApplicationFactory(program=program) for _ in range(6))
    admission(offered, "offered")
    admission(checked_in, "checked_in")
    admission(gave_up, "given_up")
    admission(promoted, "offered")
    WaitlistEntry.objects.create(application=waiting, program=program, identity=waiting.identity, position=1)
    WaitlistEntry.objects.create(
        application=promoted, program=program, identity=promoted.identity, position=2, status="offered"
    )

    def ids(**filters):
        return [row.application.pk for row in review_queue(staff, program, QueueFilters(**filters)).rows]

    assert ids(outcome="admitted") == [offered.pk, checked_in.pk, promoted.pk]
    assert ids(outcome="waitlisted") == [waiting.pk]
    assert ids(outcome="checked_in") == [checked_in.pk]
    assert nothing.pk in ids()
    assert ids(outcome="checked_in", invited="yes") == []  # filters combine


def test_queue_filters_read_from_the_url_leave_unknown_values_out():
    query = {"letters": "some", "invited": "yes", "outcome": "hired", "status": "qualified", "paid": ""}
    assert QueueFilters.from_query(query) == QueueFilters(invited="yes", status="qualified")
    assert QueueFilters.unknown_values(query) == [("letters", "some"), ("outcome", "hired")]


def test_queue_counts_by_result(program, staff):
    ApplicationFactory(program=program)
    ReviewDecisionFactory(application=ApplicationFactory(program=program), result="not_qualified", reason="degree")
    counts = review_queue(staff, program, QueueFilters()).counts
    assert counts["total"] == 2 and counts["pending"] == 1 and counts["not_qualified"] == 1


def test_supplement_reopens_only_the_named_item_for_upload_after_the_documents_deadline(application, staff):
    """documents.upload_document asks documents.reopened, which this app feeds."""
    from gradadmit.core.errors import DomainError
    from gradadmit.cycles.models import Milestone
    from gradadmit.documents.services import upload_document
    from gradadmit.testing.files import pdf_bytes, photo_bytes, upload

    Milestone.objects.filter(cycle=application.program.cycle, kind="documents").update(
        starts_at=clock.now() - timedelta(days=20), ends_at=clock.now() - timedelta(days=1)
    )
    ask_supplement(application, staff, "cv")
    document = upload_document(
        applicant=application.applicant, application=application, requirement=requirement(application, "cv"),
        upload=upload("cv.pdf", pdf_bytes()),
    )  # fmt: skip
    assert document.is_current
    with pytest.raises(DomainError):
        upload_document(
            applicant=application.applicant, application=application, requirement=requirement(application, "photo"),
            upload=upload("me.jpg", photo_bytes()),
        )  # fmt: skip
