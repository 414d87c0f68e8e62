"""Practice cycles (模擬報名): opening one, practice accounts, the sample flow, the banner, 404 on real pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from gradadmit.applications.services import apply_to_program
from gradadmit.core import clock
from gradadmit.core.errors import DomainError
from gradadmit.cycles.models import Cycle, Milestone
from gradadmit.fees.models import Charge
from gradadmit.outbox.models import Email
from gradadmit.practice.models import PracticeAccount
from gradadmit.practice.services import SESSION_KEY, pay_practice_fee
from gradadmit.recommendations.services import add_recommender
from gradadmit.testing.factories import PASSWORD, ApplicationFactory, ProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def test_practice_copy_is_published_practice_and_open_for_applying_now(practice_cycle, real_program):
    assert practice_cycle.is_practice and practice_cycle.is_published
    assert practice_cycle.cloned_from_id == real_program.cycle_id
    window = Milestone.objects.get(cycle=practice_cycle, kind="application", scope="all")
    assert window.starts_at <= clock.now() < window.ends_at
    assert practice_cycle.programs.filter(code="EE").exists()
    assert list(Cycle.objects.real()) == [real_program.cycle]


def test_signup_started_on_the_practice_page_makes_a_practice_account(client, practice_cycle):
    response = client.get(reverse("practice:register", args=[practice_cycle.code]))
    assert response["Location"] == reverse("account_signup")
    assert client.session[SESSION_KEY] == practice_cycle.pk
    banner = client.get(reverse("account_signup"))
    assert "practice-banner" in banner.content.decode()
    data = {"email": "try@example.tw", "password1": PASSWORD, "password2": PASSWORD, "pdpa_consent": "on"}
    client.post(reverse("account_signup"), data)
    account = PracticeAccount.objects.get(user__email="try@example.tw")
    assert account.cycle == practice_cycle


def test_an_ordinary_signup_makes_a_real_account(client, practice_cycle):
    data = {"email": "real@example.tw", "password1": PASSWORD, "password2": PASSWORD, "pdpa_consent": "on"}
    client.post(reverse("account_signup"), data)
    assert not PracticeAccount.objects.exists()


def test_a_practice_account_applies_only_to_its_practice_cycle(practice_user, real_program, practice_program):
    with pytest.raises(DomainError, match="practice account cannot apply"):
        apply_to_program(applicant=practice_user, program=real_program, identity="general")
    assert apply_to_program(applicant=practice_user, program=practice_program, identity="general").pk


def test_a_real_account_cannot_apply_to_the_practice_cycle(practice_program):
    real_user = ProfileFactory().user
    with pytest.raises(DomainError, match="practice accounts"):
        apply_to_program(applicant=real_user, program=practice_program, identity="general")


@pytest.mark.parametrize(
    "name",
    ["cycle", "program", "apply", "office", "announcements", "interview_list", "results", "applicant_record"],
)
def test_a_practice_account_gets_404_on_real_pages(client, practice_user, real_program, name):
    real_cycle = real_program.cycle
    urls = {
        "cycle": reverse("cycles:cycle", args=[real_cycle.code]),
        "program": reverse("cycles:program", args=[real_cycle.code, real_program.code]),
        "apply": reverse("applications:apply", args=[real_program.pk]),
        "office": reverse("office:home"),
        "announcements": reverse("announcements:list"),
        "interview_list": reverse("exams:interview_list", args=[real_program.pk]),
        "results": reverse("scoring:public_results", args=[real_program.pk]),
        "applicant_record": reverse("office:applicant", args=[practice_user.pk]),
    }
    client.force_login(practice_user)
    assert client.get(urls[name]).status_code == 404


def test_a_practice_account_opens_its_practice_pages_under_the_banner(client, practice_user, practice_program):
    client.force_login(practice_user)
    for url in [
        reverse("applications:dashboard"),
        reverse("cycles:cycle", args=[practice_program.cycle.code]),
        reverse("applications:apply", args=[practice_program.pk]),
        reverse("accounts:profile"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "practice-banner" in response.content.decode(), url


def test_the_practice_dashboard_offers_only_the_practice_cycle(client, practice_user, practice_cycle, real_program):
    client.force_login(practice_user)
    response = client.get(reverse("applications:dashboard"))
    assert [c.pk for c in response.context["open_cycles"]] == [practice_cycle.pk]


def test_a_real_account_sees_no_banner_on_real_pages(client, real_program, practice_cycle):
    client.force_login(ProfileFactory().user)
    response = client.get(reverse("applications:dashboard"))
    assert "practice-banner" not in response.content.decode()
    assert practice_cycle not in response.context["open_cycles"]


def test_the_practice_cycle_page_shows_the_banner_to_visitors(client, practice_cycle):
    response = client.get(reverse("cycles:cycle", args=[practice_cycle.code]))
    assert response.status_code == 200 and "practice-banner" in response.content.decode()


def test_a_recommender_invited_in_practice_is_never_written_to(practice_application, practice_program):
    practice_program.recommendation_policy = "optional"
    practice_program.save()
    data = {"name": "王教授", "email": "professor@example.edu.tw", "title": "教授", "organisation": "建國科大",
            "relationship": "導師", "phone": ""}  # fmt: skip
    add_recommender(applicant=practice_application.applicant, application=practice_application, data=data)
    email = Email.objects.get(cause="recommendation:invitation")
    assert email.to == practice_application.applicant.email
    assert email.subject.startswith("[GradAdmit] [練習 Practice]")
    assert "professor@example.edu.tw" in email.body
    assert not Email.objects.filter(to="professor@example.edu.tw").exists()
    assert not mail.outbox


def test_the_practice_fee_is_marked_paid_with_a_sample_slip(client, practice_application):
    charge = pay_practice_fee(applicant=practice_application.applicant, application=practice_application)
    assert charge.status == Charge.Status.PAID
    assert pay_practice_fee(applicant=practice_application.applicant, application=practice_application).pk == charge.pk
    client.force_login(practice_application.applicant)
    slip = client.get(reverse("fees:slip", args=[practice_application.pk, charge.pk]))
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"


def test_a_real_application_cannot_be_paid_as_practice():
    application = ApplicationFactory()
    with pytest.raises(DomainError):
        pay_practice_fee(applicant=application.applicant, application=application)


def test_the_sample_ticket_and_slip_are_marked_sample(practice_application):
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.exams.tickets import TICKET_TEMPLATE, ticket_context

    ticket = AdmissionTicket(application=practice_application, program=practice_application.program,
                             exam_number="SAMPLE-0001", sequence=1, assigned_at=clock.now())  # fmt: skip
    html = render_to_string(TICKET_TEMPLATE, {**ticket_context(ticket), "sample_mark": True})
    assert "sample-mark" in html and "SAMPLE" in html


def test_the_sample_ticket_page_is_the_practice_applicants_own(client, practice_application):
    client.force_login(practice_application.applicant)
    response = client.get(reverse("practice:ticket", args=[practice_application.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    real = ApplicationFactory()
    client.force_login(real.applicant)
    assert client.get(reverse("practice:ticket", args=[real.pk])).status_code == 404
    assert client.get(reverse("practice:ticket", args=[practice_application.pk])).status_code == 404


def test_the_checklist_links_the_practice_page(client, practice_application):
    client.force_login(practice_application.applicant)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert reverse("practice:application", args=[practice_application.pk]) in page


def test_office_opens_and_closes_practice_cycles_through_the_page(client, office, real_program, english):
    client.force_login(office)
    response = client.post(reverse("practice:office_list"),
                           {"source": real_program.cycle_id, "code": "try-it", "name_zh": "模擬報名"})  # fmt: skip
    assert response.status_code == 302
    cycle = Cycle.objects.get(code="try-it")
    assert cycle.is_practice
    client.post(reverse("practice:office_close", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert not cycle.is_published


def test_department_staff_cannot_open_practice_cycles(client, real_program):
    from gradadmit.testing.factories import DepartmentStaffFactory

    client.force_login(DepartmentStaffFactory())
    assert client.get(reverse("practice:office_list")).status_code == 403


def test_a_registered_user_is_asked_to_sign_out_first(client, practice_cycle):
    client.force_login(ProfileFactory().user)
    response = client.get(reverse("practice:register", args=[practice_cycle.code]))
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_closed_practice_cycle_takes_no_registration(client, practice_cycle):
    Cycle.objects.filter(pk=practice_cycle.pk).update(is_published=False)
    assert client.get(reverse("practice:register", args=[practice_cycle.code])).status_code == 404


def test_practice_account_marks_expire_with_time(practice_cycle):
    account = PracticeAccount.objects.create(user=ProfileFactory().user, cycle=practice_cycle)
    assert account.created_at <= clock.now() + timedelta(seconds=1)


def test_a_visitor_can_leave_the_practice_sign_up(client, practice_cycle):
    client.get(reverse("practice:register", args=[practice_cycle.code]))
    page = client.get(reverse("account_signup")).content.decode()
    assert reverse("practice:leave") in page
    client.post(reverse("practice:leave"))
    assert SESSION_KEY not in client.session
    assert "practice-banner" not in client.get(reverse("account_signup")).content.decode()
