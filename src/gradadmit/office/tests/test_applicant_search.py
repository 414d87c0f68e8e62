"""The office's applicant search: every kind of identifier, scoping, bad input, fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.exams.models import AdmissionTicket
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
    application_fee_charge,
    assign,
)

pytestmark = pytest.mark.django_db
URL = reverse("office:search")


def applicant(name_zh="陳美玲", name_en="CHEN, MEI-LING", **kwargs):
    profile = ProfileFactory(name_zh=name_zh, name_en=name_en, **kwargs)
    return profile.user


def ticket(application, number):
    sequence = AdmissionTicket.objects.filter(program=application.program).count() + 1
    return AdmissionTicket.objects.create(
        application=application, program=application.program, exam_number=number, sequence=sequence,
        assigned_at=clock.now(),
    )  # fmt: skip


def search(client, q, **extra):
    return client.get(URL, {"q": q, **extra})


def found(response):
    page = response.context["page"]
    return {user.pk for user in page.object_list} if page is not None else set()


@pytest.fixture
def office(client):
    user = OfficeFactory()
    client.force_login(user)
    return user


def test_partial_chinese_name_finds_the_applicant(client, office):
    person = applicant()
    ApplicationFactory(applicant=person)
    applicant(name_zh="林志明", name_en="LIN, CHIH-MING")
    assert found(search(client, "美玲")) == {person.pk}


def test_partial_english_name_any_case(client, office):
    person = applicant()
    assert found(search(client, "mei-l")) == {person.pk}


def test_partial_email(client, office):
    person = applicant()
    assert found(search(client, person.email.split("@")[0].upper())) == {person.pk}


def test_national_id_exact_any_case_goes_straight_to_the_record(client, office):
    person = applicant(national_id="A123456789")
    response = search(client, "a123456789")
    assert response.status_code == 302
    assert response.url == reverse("office:applicant", args=[person.pk])


def test_part_of_a_national_id_is_not_a_match(client, office):
    applicant(national_id="A123456789")
    assert found(search(client, "A12345")) == set()


def test_passport_number(client, office):
    person = applicant(nationality="other", national_id="", passport_number="X1234567")
    assert search(client, "x1234567").url == reverse("office:applicant", args=[person.pk])


def test_exam_number(client, office):
    application = ApplicationFactory(applicant=applicant())
    ticket(application, "M010001")
    assert search(client, "M010001").url == reverse("office:applicant", args=[application.applicant_id])


def test_virtual_account_number(client, office):
    charge = application_fee_charge()
    number = charge.accounts.get(is_current=True).number
    assert search(client, number).url == reverse("office:applicant", args=[charge.application.applicant_id])


def test_application_number(client, office):
    application = ApplicationFactory(applicant=applicant())
    response = search(client, str(application.pk).zfill(2))
    assert response.status_code == 302
    assert response.url == reverse("office:applicant", args=[application.applicant_id])


def test_a_name_matching_several_lists_them_with_programmes_and_exam_numbers(client, office):
    first = ApplicationFactory(applicant=applicant(name_zh="張家豪"))
    second = ApplicationFactory(applicant=applicant(name_zh="張家瑋"))
    ticket(first, "M020007")
    response = search(client, "張家")
    assert found(response) == {first.applicant_id, second.applicant_id}
    page = response.content.decode()
    assert "M020007" in page
    assert first.program.code in page and second.program.code in page
    assert reverse("office:applicant", args=[first.applicant_id]) in page


def test_pagination_over_many_hits(client, office):
    people = [applicant(name_zh="吳", name_en=f"WU, PERSON-{i:02d}") for i in range(30)]
    first = search(client, "person-")
    assert len(found(first)) == 25
    second = search(client, "person-", page=2)
    assert len(found(second)) == 5
    assert found(first) | found(second) == {p.pk for p in people}
    assert "q=person-&amp;page=2" in first.content.decode()


def test_hits_are_listed_by_chinese_name_and_a_page_past_the_end_shows_the_last(client, office):
    people = [applicant(name_zh=name, name_en=f"KAO, {i:02d}") for i, name in enumerate(["高乙", "高甲"] * 14)]
    first = search(client, "KAO,").context["page"]
    names = [person.profile.name_zh for person in first.object_list]
    assert names == sorted(names) and len(names) == 25
    last = search(client, "KAO,", page=99).context["page"]
    assert last.number == 2 and len(last.object_list) == 3
    assert found(search(client, "KAO,", page=1)) | {p.pk for p in last.object_list} == {p.pk for p in people}


def test_an_applicant_without_details_is_listed_by_email(client, office):
    person, other = UserFactory(email="nodetails@example.tw"), UserFactory(email="nodetails2@example.tw")
    response = search(client, "nodetails")
    assert found(response) == {person.pk, other.pk}
    assert person.email in response.content.decode()


def test_one_character_is_refused_with_a_message(english, office):
    client = english
    applicant(name_zh="王")
    response = search(client, "王")
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "at least 2 characters" in response.content.decode()


def test_five_thousand_characters_are_refused_not_a_500(english, office):
    client = english
    response = search(client, "a" * 5000)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize("q", ["%%", "__", "%_", "a%", "_a"])
def test_like_wildcards_are_taken_literally(client, office, q):
    applicant(name_zh="李大華", name_en="LI, TA-HUA")
    assert found(search(client, q)) == set()


def test_a_literal_percent_in_a_name_is_found(client, office):
    person = applicant(name_en="O_BRIEN, 100%")
    applicant(name_en="OXBRIEN, 1000")
    assert found(search(client, "O_B")) == {person.pk}
    assert found(search(client, "0%")) == {person.pk}


@pytest.mark.parametrize("q", ["'; DROP TABLE x;--", '"quoted"', "O'Neil", ".*", "[a-z]+", "(a|b)", "\\d", "^$"])
def test_quotes_and_regex_characters_are_taken_literally(client, office, q):
    applicant(name_zh="李大華", name_en="LI, TA-HUA")
    response = search(client, q)
    assert response.status_code == 200
    assert found(response) == set()


def test_a_name_with_an_apostrophe_is_found(client, office):
    person = applicant(name_en="O'NEIL, SEAN")
    assert found(search(client, "o'neil")) == {person.pk}


def test_department_staff_do_not_find_an_applicant_of_another_programme(client):
    mine, theirs = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    client.force_login(staff)
    outsider = ApplicationFactory(program=theirs, applicant=applicant(name_zh="周杰", national_id="B123456780"))
    ticket(outsider, "M990001")
    insider = ApplicationFactory(program=mine, applicant=applicant(name_zh="周華"))
    assert found(search(client, "周")) == set()  # too short: nothing at all
    assert found(search(client, "周杰")) == set()
    assert search(client, "B123456780").status_code == 200
    assert found(search(client, "B123456780")) == set()
    assert found(search(client, "M990001")) == set()
    assert found(search(client, str(outsider.pk).zfill(2))) == set()
    assert found(search(client, "周華")) == {insider.applicant_id}  # a name is listed, even one hit


def test_department_staff_do_not_learn_another_programmes_exam_number_of_a_shared_applicant(client):
    mine, theirs = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    client.force_login(staff)
    person = applicant()
    ApplicationFactory(program=mine, applicant=person)
    ticket(ApplicationFactory(program=theirs, applicant=person), "M880001")
    response = search(client, "M880001")
    assert response.status_code == 200
    assert found(response) == set()


def test_the_programmes_shown_are_those_the_staff_member_may_see(client):
    mine, theirs = ProgramFactory(), ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, mine)
    client.force_login(staff)
    person = applicant(name_zh="許文", name_en="HSU, WEN")
    ApplicationFactory(program=mine, applicant=person)
    ApplicationFactory(program=theirs, applicant=person)
    ApplicationFactory(program=mine, applicant=applicant(name_zh="許武", name_en="HSU, WU"))
    page = search(client, "HSU").content.decode()
    assert mine.code in page
    assert theirs.code not in page


def test_applicants_cannot_search(client):
    client.force_login(applicant())
    assert search(client, "王小明").status_code == 403


def test_the_search_box_is_on_office_pages_for_staff_only(client, office):
    page = client.get(reverse("office:home")).content.decode()
    assert f'action="{URL}"' in page
    client.force_login(applicant())
    assert f'action="{URL}"' not in client.get(reverse("applications:dashboard")).content.decode()


def test_query_count_does_not_grow_with_hits(client, office):
    def queries(q):
        with CaptureQueriesContext(connection) as captured:
            assert search(client, q).status_code == 200
        return len(captured)

    for i in range(2):
        ApplicationFactory(applicant=applicant(name_en=f"FEW, {i}"))
    queries("few,")  # the user is kept from now on (accounts.signed_in)
    few = queries("few,")
    for i in range(20):
        person = applicant(name_en=f"MANY, {i}")
        ticket(ApplicationFactory(applicant=person), f"N{i:05d}")
        ApplicationFactory(applicant=person)
    assert queries("many,") == few
