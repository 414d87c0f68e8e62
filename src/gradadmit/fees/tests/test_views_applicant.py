"""The applicant's fee page, the payment slip PDF and the waiver request: own only, fixed query counts."""

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.fees.models import Charge, WaiverRequest
from gradadmit.fees.services import create_charge
from gradadmit.testing.factories import ApplicationFactory, FeeItemFactory, ProfileFactory, application_fee_charge
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def signed_in(client, application):
    client.force_login(application.applicant)
    return client


def test_fee_page_shows_bank_account_amount_status_warning_and_refund_rule(english):
    application = ApplicationFactory()
    response = signed_in(english, application).get(reverse("fees:page", args=[application.pk]))
    charge = Charge.objects.get(application=application)
    number = charge.accounts.get().number
    text = response.content.decode()
    assert response.status_code == 200
    assert "CTBC Bank" in text and "822" in text and number in text and "NT$ 900" in text
    assert "尚未繳費" in text
    assert "Check that the programme is correct before paying." in text
    assert "found ineligible" in text


def test_fee_page_in_chinese_names_the_bank_in_chinese(client):
    application = ApplicationFactory()
    response = signed_in(client, application).get(reverse("fees:page", args=[application.pk]))
    assert "中國信託商業銀行" in response.content.decode()


def test_paid_fee_shows_paid_correctly(english):
    charge = application_fee_charge()
    Charge.objects.filter(pk=charge.pk).update(amount_received=900, status="paid")
    response = signed_in(english, charge.application).get(reverse("fees:page", args=[charge.application_id]))
    assert "已正確繳費" in response.content.decode()


def test_wrong_amount_shows_what_was_received(english):
    charge = application_fee_charge()
    Charge.objects.filter(pk=charge.pk).update(amount_received=500, status="partial")
    text = signed_in(english, charge.application).get(reverse("fees:page", args=[charge.application_id])).content
    assert "We received NT$ 500; NT$ 900 is due." in text.decode()
    assert "remaining NT$ 400" in text.decode()


def test_another_users_fee_pages_are_404(client):
    mine, theirs = ApplicationFactory(), application_fee_charge()
    signed_in(client, mine)
    assert client.get(reverse("fees:page", args=[theirs.application_id])).status_code == 404
    assert client.get(reverse("fees:slip", args=[theirs.application_id, theirs.pk])).status_code == 404
    own_charge = application_fee_charge(mine)
    # My application with their charge id: still 404.
    assert client.get(reverse("fees:slip", args=[mine.pk, theirs.pk])).status_code == 404
    response = client.post(reverse("fees:request_waiver", args=[theirs.application_id, theirs.pk]),
                           {"category": "low_income"})  # fmt: skip
    assert response.status_code == 404
    assert client.get(reverse("fees:slip", args=[mine.pk, own_charge.pk])).status_code == 200


def test_fee_page_needs_sign_in(client):
    application = ApplicationFactory()
    response = client.get(reverse("fees:page", args=[application.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_slip_is_a_pdf_with_the_account_number_and_chinese_text(client, tmp_path):
    charge = application_fee_charge()
    number = charge.accounts.get().number
    response = signed_in(client, charge.application).get(
        reverse("fees:slip", args=[charge.application_id, charge.pk]) + "?download=1"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    path = tmp_path / "slip.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text.replace(" ", "")
    assert "中國信託商業銀行" in text and "822" in text and "900" in text
    assert "年" in text and "月" in text  # the due date in the ROC calendar


def test_waiver_request_with_proof_is_sent(english):
    charge = application_fee_charge()
    url = reverse("fees:request_waiver", args=[charge.application_id, charge.pk])
    response = signed_in(english, charge.application).post(url, {
        "category": "middle_low_income", "household_address": "彰化市介壽北路1號", "phone_mobile": "0912-345-678",
        "proof": upload("certificate.pdf", pdf_bytes()),
    })  # fmt: skip
    assert response.status_code == 302
    waiver = WaiverRequest.objects.get()
    assert waiver.status == "pending" and waiver.proof_content_type == "application/pdf"


def test_waiver_request_with_a_fake_pdf_shows_the_error(english):
    charge = application_fee_charge()
    url = reverse("fees:request_waiver", args=[charge.application_id, charge.pk])
    response = signed_in(english, charge.application).post(url, {
        "category": "low_income", "household_address": "x", "phone_mobile": "0912",
        "proof": upload("certificate.pdf", b"MZ not a pdf"),
    })  # fmt: skip
    assert response.status_code == 400 and not WaiverRequest.objects.exists()
    assert "JPEG or PNG" in response.content.decode()


def fee_page_queries(client, application):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("fees:page", args=[application.pk])).status_code == 200
    return len(queries)


def test_fee_page_query_count_does_not_grow_with_charges(client):
    application = ApplicationFactory()
    signed_in(client, application)
    fee_page_queries(client, application)  # creates the application-fee charge
    one = fee_page_queries(client, application)
    for _ in range(3):
        create_charge(application=application, item=FeeItemFactory(cycle=application.program.cycle))
    assert fee_page_queries(client, application) == one


def test_dashboard_fee_row_keeps_the_query_count_fixed(client):
    profile = ProfileFactory()
    client.force_login(profile.user)
    application_fee_charge(ApplicationFactory(applicant=profile.user))

    def count():
        client.get(reverse("applications:dashboard"))  # the cycle's configuration kept (cycles.configuration)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("applications:dashboard"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    one, text = count()
    assert reverse("fees:page", args=[profile.user.applications.first().pk]) in text
    for _ in range(4):
        application_fee_charge(ApplicationFactory(applicant=profile.user))
    ApplicationFactory(applicant=profile.user)  # not charged yet: the cycle's fee is shown
    assert count()[0] == one
