"""The applicant record page: every section, scoped to the staff member, a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.masking import mask
from gradadmit.core.models import AuditEntry
from gradadmit.documents.services import record_initial_check
from gradadmit.exams.models import AdmissionTicket
from gradadmit.fees.services import record_payment
from gradadmit.notifications.services import deliver_message
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    RecommendationRequestFactory,
    ReviewDecisionFactory,
    application_fee_charge,
    assign,
    upload_required_documents,
)

pytestmark = pytest.mark.django_db


def url(user):
    return reverse("office:applicant", args=[user.pk])


def full_application(office, program=None, applicant=None):
    """An application with documents (one replaced, one checked), a paid fee, a recommender, a decision, a ticket."""
    kwargs = {"program": program} if program else {}
    if applicant is not None:
        kwargs["applicant"] = applicant
    charge = application_fee_charge(**kwargs)
    application = charge.application
    documents = upload_required_documents(application)
    upload_required_documents(application)  # a second version of each: the first ones are kept, replaced
    record_initial_check(actor=office, document=documents[0].__class__.objects.get(
        application=application, is_current=True, requirement__file_kind="photo"), passed=True)  # fmt: skip
    record_payment(actor=office, charge=charge, amount=charge.amount_due, method="cash", received_at=clock.now(),
                   note="paid at the counter")  # fmt: skip
    RecommendationRequestFactory(application=application, name="林教授")
    ReviewDecisionFactory(application=application, result="qualified", decided_by=office, decided_at=clock.now())
    AdmissionTicket.objects.create(
        application=application, program=application.program, exam_number=f"E{application.pk:05d}",
        sequence=application.pk, assigned_at=clock.now(),
    )  # fmt: skip
    return application


def test_office_sees_every_section(client):
    office = OfficeFactory()
    application = full_application(office)
    person = application.applicant
    deliver_message(user=person, kind="test", subject_zh="繳費通知", subject_en="Fee notice", body_zh="內文",
                    body_en="body", kick=False)  # fmt: skip
    client.force_login(office)
    response = client.get(url(person), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    profile = person.profile
    assert mask(profile.national_id) in page and profile.national_id not in page  # the full number: "reveal"
    assert profile.name_zh in page
    assert f"E{application.pk:05d}" in page
    assert "replaced" in page  # the first version of each document is listed
    assert "Passed initial check" in page
    assert "paid at the counter" in page
    assert "林教授" in page
    assert 'class="checklist"' in page
    assert "繳費通知" in page or "Fee notice" in page
    assert reverse("fees:charge", args=[application.charges.get().pk]) in page
    assert reverse("office:extensions", args=[application.program.cycle_id]) in page
    assert reverse("eligibility:review", args=[application.pk]) in page
    assert "fees.payment" in page or "fees." in page  # the payment's audit entry on the charge


def test_audit_trail_lists_changes_to_every_object_of_the_applicant_and_no_other(client):
    office = OfficeFactory()
    application = full_application(office)
    other = full_application(office)
    client.force_login(office)
    audit = client.get(url(application.applicant)).context["audit"]
    assert audit, "uploads, the check and the payment are audited"
    document_ids = {str(pk) for pk in application.documents.values_list("pk", flat=True)}
    charge_ids = {str(pk) for pk in application.charges.values_list("pk", flat=True)}
    mine = {(e.target_type, e.target_id) for e in audit}
    assert any(t == "fees.charge" and i in charge_ids for t, i in mine)
    assert any(t == "documents.document" and i in document_ids for t, i in mine)
    others = set(AuditEntry.objects.filter(target_type="fees.charge", target_id__in=[
        str(pk) for pk in other.charges.values_list("pk", flat=True)]).values_list("pk", flat=True))  # fmt: skip
    assert others and not others & {e.pk for e in audit}


def test_failed_email_can_be_resent_from_the_record(client):
    office = OfficeFactory()
    person = ProfileFactory().user
    ApplicationFactory(applicant=person)
    message = deliver_message(user=person, kind="test", subject_zh="通知", subject_en="Notice", body_zh="x",
                              body_en="x", kick=False)  # fmt: skip
    Email.objects.filter(pk=message.email_id).update(status=Email.Status.FAILED, last_error="550 no such mailbox")
    client.force_login(office)
    page = client.get(url(person)).content.decode()
    assert "550 no such mailbox" in page
    assert reverse("outbox:resend", args=[message.email_id]) in page
    assert reverse("outbox:detail", args=[message.email_id]) in page


def test_department_staff_see_an_applicant_of_their_programme_limited_to_it(client):
    office = OfficeFactory()
    mine, theirs = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    ours = full_application(office, program=mine)
    person = ours.applicant
    other = full_application(office, program=theirs, applicant=person)
    deliver_message(user=person, kind="test", subject_zh="他系錄取", subject_en="Admitted elsewhere", body_zh="x",
                    body_en="x", kick=False)  # fmt: skip
    client.force_login(staff)
    response = client.get(url(person))
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.code in page and theirs.code not in page
    assert f"E{ours.pk:05d}" in page and f"E{other.pk:05d}" not in page
    assert "他系錄取" not in page  # messages are not tied to a programme: the office's only
    assert reverse("fees:charge", args=[other.charges.get().pk]) not in page
    other_charges = {str(pk) for pk in other.charges.values_list("pk", flat=True)}
    assert not any(e.target_type == "fees.charge" and e.target_id in other_charges for e in response.context["audit"])
    assert reverse("office:extensions", args=[mine.cycle_id]) not in page  # extensions are the office's


def test_department_staff_get_404_for_an_applicant_of_another_programme(client):
    mine, theirs = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    outsider = ApplicationFactory(program=theirs).applicant
    client.force_login(staff)
    assert client.get(url(outsider)).status_code == 404


def test_a_staff_account_is_not_an_applicant_record(client):
    client.force_login(OfficeFactory())
    assert client.get(url(OfficeFactory())).status_code == 404
    assert client.get(reverse("office:applicant", args=[999999])).status_code == 404


def test_applicants_cannot_open_records(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    assert client.get(url(application.applicant)).status_code == 403
    assert client.get(url(ApplicationFactory().applicant)).status_code == 403


def test_record_query_count_is_fixed(client):
    office = OfficeFactory()
    client.force_login(office)
    person = ProfileFactory().user
    program = ProgramFactory()
    full_application(office, program=program, applicant=person)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(person)).status_code == 200
        return len(captured)

    queries()  # the user is kept from now on (accounts.signed_in)
    one = queries()
    for _ in range(3):
        application = full_application(office, program=ProgramFactory(cycle=program.cycle), applicant=person)
        deliver_message(user=person, kind="t", subject_zh="s", subject_en="s", body_zh="b", body_en="b", kick=False)
        RecommendationRequestFactory(application=application)
    assert queries() == one
