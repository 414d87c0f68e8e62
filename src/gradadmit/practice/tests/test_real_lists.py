"""A practice application never appears in a real list, export, mailing, statistic or public list."""

import pytest
from django.urls import reverse

from gradadmit.announcements.selectors import published_announcements
from gradadmit.announcements.services import create_announcement
from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applications_for_staff
from gradadmit.cycles.selectors import cycles_for_staff, programs_for_staff, published_cycles
from gradadmit.mailings.models import Mailing
from gradadmit.mailings.selectors import matching_applications
from gradadmit.office.search import search_applicants
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, assign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def real_application(real_program):
    return ApplicationFactory(program=real_program)


def test_office_selectors_leave_practice_out(office, practice_application, real_application):
    assert list(applications_for_staff(office)) == [real_application]
    assert practice_application.program not in programs_for_staff(office)
    assert practice_application.program.cycle not in cycles_for_staff(office)
    assert Application.objects.real().count() == 1


def test_a_department_assigned_a_practice_programme_still_sees_nothing_of_it(practice_application):
    staff = DepartmentStaffFactory()
    assign(staff, practice_application.program)
    assert not applications_for_staff(staff).exists()
    assert not programs_for_staff(staff).exists()


def test_search_never_finds_a_practice_account(office, practice_application):
    assert not search_applicants(office, "練習生").exists()
    assert not search_applicants(office, practice_application.applicant.email).exists()


@pytest.mark.parametrize(
    "name",
    [
        "office:program_applications",
        "office:program_applications_xlsx",
        "eligibility:queue",
        "eligibility:decisions_xlsx",
        "fees:program",
        "fees:program_xlsx",
        "exams:admin",
        "exams:tickets_xlsx",
    ],
)
def test_office_lists_and_exports_of_a_practice_programme_are_404(client, office, practice_application, name):
    client.force_login(office)
    assert client.get(reverse(name, args=[practice_application.program_id])).status_code == 404


def test_office_lists_of_the_real_programme_hold_no_practice_application(client, office, practice_application,
                                                                         real_application):  # fmt: skip
    client.force_login(office)
    page = client.get(reverse("office:program_applications", args=[real_application.program_id]))
    assert [a.pk for a in page.context["applications"]] == [real_application.pk]
    home = client.get(reverse("office:home"))
    assert [row["program"].pk for row in home.context["rows"]] == [real_application.program_id]
    assert practice_application.program.cycle_id not in [c.pk for c in home.context["cycles"]]


def test_the_overview_of_a_practice_cycle_is_404(client, office, practice_application):
    client.force_login(office)
    url = reverse("office:cycle_overview", args=[practice_application.program.cycle_id])
    assert client.get(url).status_code == 404


def test_the_applicant_record_of_a_practice_account_is_404(client, office, practice_application):
    client.force_login(office)
    assert client.get(reverse("office:applicant", args=[practice_application.applicant_id])).status_code == 404


def test_mailings_never_reach_practice_applicants(office, practice_application, real_application):
    practice_mailing = Mailing(cycle=practice_application.program.cycle, created_by=office)
    assert matching_applications(office, practice_mailing) == []
    real_mailing = Mailing(cycle=real_application.program.cycle, created_by=office)
    assert matching_applications(office, real_mailing) == [real_application]


def test_the_mailing_form_does_not_offer_the_practice_cycle(office, practice_cycle):
    from gradadmit.mailings.forms import MailingForm

    form = MailingForm(user=office)
    assert practice_cycle not in form.fields["cycle"].queryset


def test_public_lists_leave_the_practice_cycle_out(office, practice_cycle, real_program):
    create_announcement(actor=office, cycle=practice_cycle, title_zh="練習公告", body_zh="練習")
    real = create_announcement(actor=office, cycle=real_program.cycle, title_zh="公告", body_zh="正式").announcement
    assert list(published_announcements()) == [real]
    assert list(published_cycles()) == [real_program.cycle]


def test_public_result_list_never_names_a_practice_application(practice_application, monkeypatch):
    from gradadmit.scoring import results

    run = type("Run", (), {"result": {"outcomes": [{"key": practice_application.pk, "status": "admitted"}]}})()
    monkeypatch.setattr(results.selectors, "published_run", lambda pk: run)
    monkeypatch.setattr(results, "results_visible", lambda program, run: True)
    listing = results.public_list(practice_application.program)
    assert listing["admitted"] == [] and listing["waitlisted"] == []
