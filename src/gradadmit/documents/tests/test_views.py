"""Document views: owner and scoped staff only, safe headers, XHR answers, CSRF, size guard, races."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gradadmit.documents.models import Document
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, OfficeFactory, assign
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def upload_url(application, code="cv"):
    requirement = application.program.document_requirements.get(code=code)
    return reverse("documents:upload", args=[application.pk, requirement.pk])


def post_file(client, application, content=None, **headers):
    return client.post(upload_url(application), {"file": upload("cv.pdf", content or pdf_bytes())}, headers=headers)


def test_items_page_lists_the_programmes_items(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    page = client.get(reverse("documents:items", args=[application.pk]))
    assert [i["requirement"].code for i in page.context["items"]] == ["photo", "cv"]


def test_plain_form_upload_redirects_with_the_result(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = post_file(client, application)
    assert response.status_code == 302
    assert Document.objects.get().is_current


def test_xhr_upload_answers_json_with_the_new_item_html(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = post_file(client, application, Accept="application/json")
    assert response.json()["ok"] and "cv.pdf" in response.json()["html"]
    bad = post_file(client, application, b"MZ\x90", Accept="application/json")
    assert bad.status_code == 400 and "PDF" in bad.json()["error"]


def test_upload_to_another_applicants_item_is_404(client):
    mine, theirs = ApplicationFactory(), ApplicationFactory()
    client.force_login(mine.applicant)
    assert post_file(client, theirs).status_code == 404
    assert client.get(reverse("documents:items", args=[theirs.pk])).status_code == 404
    assert not Document.objects.exists()


def test_oversize_upload_is_cut_off_by_the_handler(client):
    application = ApplicationFactory()
    requirement = application.program.document_requirements.get(code="cv")
    requirement.max_size_mb = 1
    requirement.save()
    client.force_login(application.applicant)
    response = post_file(client, application, pdf_bytes(padding=2 * 1024 * 1024), Accept="application/json")
    assert response.status_code == 400 and "1.0 MB" in response.json()["error"]


def test_upload_without_csrf_token_is_refused():
    application = ApplicationFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    assert post_file(client, application).status_code == 403
    assert not Document.objects.exists()


def test_files_are_served_to_the_owner_with_safe_headers(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    post_file(client, application)
    document = Document.objects.get()
    response = client.get(reverse("documents:own_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert "cv.pdf" in response["Content-Disposition"]


def test_other_applicants_and_other_departments_get_404(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    post_file(client, application)
    document = Document.objects.get()
    client.force_login(ApplicationFactory().applicant)
    assert client.get(reverse("documents:own_file", args=[document.pk])).status_code == 404
    outsider = DepartmentStaffFactory()
    assign(outsider, ApplicationFactory().program)
    client.force_login(outsider)
    assert client.get(reverse("documents:staff_file", args=[document.pk])).status_code == 404
    insider = DepartmentStaffFactory()
    assign(insider, application.program)
    client.force_login(insider)
    assert client.get(reverse("documents:staff_file", args=[document.pk])).status_code == 200


def test_applicant_cannot_use_staff_file_url(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    post_file(client, application)
    document = Document.objects.get()
    assert client.get(reverse("documents:staff_file", args=[document.pk])).status_code == 403


def test_staff_record_initial_check_for_their_programme_only(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    post_file(client, application)
    document = Document.objects.get()
    outsider = DepartmentStaffFactory()
    client.force_login(outsider)
    url = reverse("documents:record_check", args=[document.pk])
    assert client.post(url, {"result": "pass"}).status_code == 404
    client.force_login(OfficeFactory())
    assert client.post(url, {"result": "pass"}).status_code == 302
    document.refresh_from_db()
    assert document.check_status == "passed"


@pytest.mark.django_db(transaction=True)
def test_two_uploads_racing_for_one_item_leave_one_current_file():
    application = ApplicationFactory()
    results = []

    def send(content):
        client = Client()
        client.force_login(application.applicant)
        try:
            results.append(post_file(client, application, content, Accept="application/json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(pdf_bytes(pages=n),)) for n in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Document.objects.filter(application=application, is_current=True).count() == 1
    assert Document.objects.filter(application=application).count() == results.count(200)
