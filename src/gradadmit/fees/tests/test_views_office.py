"""Office fee pages: the office manages money; department staff see their programmes only; others' ids are 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gradadmit.fees.models import Charge, StatementImport, WaiverRequest
from gradadmit.fees.services import request_waiver, start_statement_import
from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    FeeItemFactory,
    OfficeFactory,
    ProgramFactory,
    application_fee_charge,
    assign,
)
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = "value_date,value_time,virtual_account,amount,bank_serial,payer_bank_code"


def csv_file(*lines, name="statement.csv"):
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv")


def paying_line(charge, serial="S1", amount=900):
    return f"2024-10-01,09:49:52,{charge.accounts.get().number},{amount},{serial},812"


def test_office_imports_a_statement_and_sees_the_summary(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    cycle = charge.application.program.cycle
    response = client.post(reverse("fees:import", args=[cycle.pk]),
                           {"file": csv_file(paying_line(charge)), "bank_format": "gradadmit"})  # fmt: skip
    imported = StatementImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fees:statement", args=[imported.pk])
    charge.refresh_from_db()
    assert charge.status == "paid"
    page = client.get(response["Location"] + "?show=matched")
    assert page.status_code == 200 and charge.accounts.get().number in page.content.decode()
    assert client.get(reverse("fees:cycle", args=[cycle.pk])).status_code == 200


def test_refused_statement_shows_the_reason_on_the_form(english):
    english.force_login(OfficeFactory())
    cycle = ApplicationFactory().program.cycle
    response = english.post(reverse("fees:import", args=[cycle.pk]),
                            {"file": SimpleUploadedFile("x.csv", pdf_bytes()), "bank_format": "gradadmit"})  # fmt: skip
    assert response.status_code == 400 and "not a CSV text file" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_50_mb_statement_upload_is_stopped_at_the_limit(english):
    english.force_login(OfficeFactory())
    cycle = ApplicationFactory().program.cycle
    big = SimpleUploadedFile("big.csv", (HEADER + "\n").encode() + b"1" * (50 * 1024 * 1024))
    response = english.post(reverse("fees:import", args=[cycle.pk]), {"file": big, "bank_format": "gradadmit"})
    assert response.status_code == 400 and "Split it into several files" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_department_staff_and_applicants_cannot_import_or_see_cycle_payments(client):
    charge = application_fee_charge()
    cycle = charge.application.program.cycle
    for user in (DepartmentStaffFactory(), charge.application.applicant):
        client.force_login(user)
        assert client.get(reverse("fees:cycle", args=[cycle.pk])).status_code == 403
        response = client.post(reverse("fees:import", args=[cycle.pk]), {"file": csv_file(paying_line(charge))})
        assert response.status_code == 403
    assert not StatementImport.objects.exists()


def test_department_staff_see_only_their_programmes_fees(client):
    mine, theirs = application_fee_charge(), application_fee_charge()
    staff = DepartmentStaffFactory()
    assign(staff, mine.application.program)
    waiver = request_waiver(applicant=theirs.application.applicant, charge=theirs, category="low_income",
                            household_address="x", phone_mobile="0912", upload=upload("c.pdf", pdf_bytes()))  # fmt: skip
    client.force_login(staff)
    assert client.get(reverse("fees:program", args=[mine.application.program_id])).status_code == 200
    assert client.get(reverse("fees:charge", args=[mine.pk])).status_code == 200
    assert client.get(reverse("fees:program", args=[theirs.application.program_id])).status_code == 404
    assert client.get(reverse("fees:program_xlsx", args=[theirs.application.program_id])).status_code == 404
    assert client.get(reverse("fees:charge", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("fees:waiver", args=[waiver.pk])).status_code == 404
    assert client.get(reverse("fees:waiver_proof", args=[waiver.pk])).status_code == 404
    # Reading is allowed, changing money is not.
    response = client.post(reverse("fees:charge_change", args=[mine.pk, "payment"]),
                           {"pay-method": "cash", "pay-amount": 900, "pay-received_at": "2024-10-01T10:00",
                            "pay-note": "x"})  # fmt: skip
    assert response.status_code == 403
    assert Charge.objects.get(pk=mine.pk).status == "unpaid"


def test_office_records_a_postal_money_order(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    response = client.post(reverse("fees:charge_change", args=[charge.pk, "payment"]),
                           {"pay-method": "postal_order", "pay-amount": 900, "pay-received_at": "2024-10-01T10:00",
                            "pay-note": "匯票 123"})  # fmt: skip
    assert response.status_code == 302
    assert Charge.objects.get(pk=charge.pk).status == "paid"


def test_payment_without_a_note_is_refused_with_the_form_shown(english):
    charge = application_fee_charge()
    english.force_login(OfficeFactory())
    response = english.post(reverse("fees:charge_change", args=[charge.pk, "payment"]),
                            {"pay-method": "cash", "pay-amount": 900, "pay-received_at": "2024-10-01T10:00"})  # fmt: skip
    assert response.status_code == 400 and Charge.objects.get(pk=charge.pk).status == "unpaid"


def test_office_decides_a_waiver_and_the_amount_changes(client):
    charge = application_fee_charge()
    waiver = request_waiver(applicant=charge.application.applicant, charge=charge, category="middle_low_income",
                            household_address="x", phone_mobile="0912", upload=upload("c.pdf", pdf_bytes()))  # fmt: skip
    client.force_login(OfficeFactory())
    assert client.get(reverse("fees:waiver_proof", args=[waiver.pk])).status_code == 200
    response = client.post(reverse("fees:waiver", args=[waiver.pk]), {"decision": "approve", "reason": "齊全"})
    assert response.status_code == 302
    assert WaiverRequest.objects.get().status == "approved" and Charge.objects.get().amount_due == 360


def test_office_resolves_an_unknown_line_by_assigning_it(client):
    charge = application_fee_charge()
    office = OfficeFactory()
    imported = start_statement_import(actor=office, cycle=None,
                                      upload=csv_file("2024-10-01,09:00:00,97930000099995,900,S9,812"))  # fmt: skip
    line = imported.lines.get()
    assert line.outcome in ("unknown", "invalid")
    client.force_login(office)
    response = client.post(reverse("fees:resolve_line", args=[line.pk]),
                           {"action": "assign", "account": charge.accounts.get().number, "note": "考生抄錯帳號"})  # fmt: skip
    assert response.status_code == 302
    assert Charge.objects.get(pk=charge.pk).status == "paid"


def test_office_charges_the_interview_fee_to_selected_applications(client):
    application = ApplicationFactory()
    other = ApplicationFactory(program=application.program)
    item = FeeItemFactory(cycle=application.program.cycle)
    client.force_login(OfficeFactory())
    response = client.post(reverse("fees:charge_extra", args=[application.program_id]),
                           {"item": item.pk, "application": [application.pk]})  # fmt: skip
    assert response.status_code == 302
    assert Charge.objects.filter(item=item, application=application).exists()
    assert not Charge.objects.filter(item=item, application=other).exists()


def test_programme_overview_exports_xlsx(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    response = client.get(reverse("fees:program_xlsx", args=[charge.application.program_id]))
    with translation.override("zh-hant"):  # the portal's default language: the request has no other
        unpaid = charge.get_status_display()
    assert f'filename="fees-{charge.application.program.code}-' in response["Content-Disposition"]
    rows = rows_of(read_export(response))
    assert rows[1][0] == str(charge.application_id)
    assert rows[1][3] == charge.accounts.get().number and rows[1][7] == unpaid == "尚未繳費"


def test_programme_fees_are_filtered_sorted_and_paged_with_the_export_alongside(client):
    general = application_fee_charge(identity="general").application
    program = general.program
    in_service = application_fee_charge(program=program, identity="in_service").application
    client.force_login(OfficeFactory())
    url = reverse("fees:program", args=[program.pk])
    page = client.get(url + "?identity=in_service&sort=-number")
    assert list(page.context["applications"]) == [in_service]
    assert 'aria-sort="descending"' in page.content.decode()
    assert "fees.xlsx?identity=in_service&amp;sort=-number" in page.content.decode()
    rows = rows_of(read_export(client.get(reverse("fees:program_xlsx", args=[program.pk]) + "?identity=general")))
    assert [row[0] for row in rows[1:]] == [str(general.pk)]


def test_programme_fees_export_of_an_empty_programme_has_the_headers(client):
    program = ProgramFactory()
    client.force_login(OfficeFactory())
    assert read_export(client.get(reverse("fees:program_xlsx", args=[program.pk]))).max_row == 1


def test_programme_fees_export_queries_do_not_grow(client):
    first = application_fee_charge()
    program = first.application.program
    for _ in range(4):
        application_fee_charge(program=program)
    client.force_login(OfficeFactory())
    url = reverse("fees:program_xlsx", args=[program.pk])
    five = export_queries(client, url)
    for _ in range(45):
        application_fee_charge(program=program)
    assert export_queries(client, url) == five


def test_statement_page_query_count_does_not_grow_with_lines(client):
    office = OfficeFactory()
    client.force_login(office)
    charges = [application_fee_charge() for _ in range(6)]

    def queries_for(lines):
        imported = start_statement_import(actor=office, cycle=None, upload=csv_file(*lines))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("fees:statement", args=[imported.pk]) + "?show=all").status_code == 200
        return len(queries)

    queries_for([paying_line(charges[0], "W0", amount=100)])  # the user is kept from now on (accounts.signed_in)
    one = queries_for([paying_line(charges[0], "A0", amount=100)])
    many = queries_for([paying_line(c, f"B{i}", amount=100) for i, c in enumerate(charges[1:])])
    assert one == many


def test_programme_overview_query_count_does_not_grow_with_applications(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    url = reverse("fees:program", args=[charge.application.program_id])
    client.get(url)  # the user is kept from now on (accounts.signed_in)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(4):
        application_fee_charge(ApplicationFactory(program=charge.application.program))
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first) == len(second)


def test_a_statement_lists_its_exceptions_first_and_sorts_and_exports_what_it_shows(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    cycle = charge.application.program.cycle
    lines = [paying_line(charge, "S1"), "2024-10-01,10:00:00,99999999999999,900,S2,812", "not,a,line"]
    client.post(reverse("fees:import", args=[cycle.pk]), {"file": csv_file(*lines), "bank_format": "gradadmit"})
    imported = StatementImport.objects.get()
    url = reverse("fees:statement", args=[imported.pk])

    def shown(query=""):
        page = client.get(url + query)
        assert page.status_code == 200
        return [line.line_number for line in page.context["page"]]

    assert shown() == [3, 4]  # the exceptions (unknown account, invalid line): the matched line is not one
    assert shown("?show=all&sort=-line") == [4, 3, 2]
    assert shown("?show=matched") == [2]
    html = client.get(url + "?show=all").content.decode()
    assert f'href="{reverse("fees:statement_xlsx", args=[imported.pk])}?show=all&amp;sort=open"' in html

    export = read_export(client.get(reverse("fees:statement_xlsx", args=[imported.pk]) + "?show=all&sort=line"))
    rows = rows_of(export)
    assert [row[0] for row in rows[1:]] == [2, 3, 4]
    assert rows[1][2] == charge.accounts.get().number  # the account as text, leading digits kept


def test_a_statement_with_an_unknown_filter_value_shows_the_exceptions_with_a_message(client):
    from django.contrib.messages import get_messages

    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    cycle = charge.application.program.cycle
    client.post(
        reverse("fees:import", args=[cycle.pk]), {"file": csv_file(paying_line(charge)), "bank_format": "gradadmit"}
    )
    page = client.get(reverse("fees:statement", args=[StatementImport.objects.get().pk]) + "?show=everything")
    assert page.status_code == 200 and list(page.context["page"]) == []
    assert any("everything" in str(m) for m in get_messages(page.wsgi_request))


def test_department_staff_cannot_export_a_statement(client):
    charge = application_fee_charge()
    client.force_login(OfficeFactory())
    cycle = charge.application.program.cycle
    client.post(
        reverse("fees:import", args=[cycle.pk]), {"file": csv_file(paying_line(charge)), "bank_format": "gradadmit"}
    )
    staff = DepartmentStaffFactory()
    assign(staff, charge.application.program)
    client.force_login(staff)
    response = client.get(reverse("fees:statement_xlsx", args=[StatementImport.objects.get().pk]))
    assert response.status_code in (403, 404)
