"""Faults during an upload: the storage failing, the disk full, the database lost mid-transaction.

Each leaves the previous file current, no new row and no stray file, and tells the applicant what to do.
"""

import errno
import html
import os

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from prometheus_client import REGISTRY

from gradadmit.documents.models import Document
from gradadmit.testing.factories import ApplicationFactory
from gradadmit.testing.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db
STORE_ERROR = "The server could not store your file right now"


@pytest.fixture
def applicant_with_a_file(client):
    """An applicant signed in, whose CV (a PDF) is already uploaded once."""
    application = ApplicationFactory()
    client.force_login(application.applicant)
    requirement = application.program.document_requirements.get(code="cv")
    url = reverse("documents:upload", args=[application.pk, requirement.pk])
    assert client.post(url, {"file": upload("cv-v1.pdf", pdf_bytes())}).status_code == 302
    return client, url, Document.objects.get()


def post_second_version(client, url):
    return client.post(url, {"file": upload("cv-v2.pdf", pdf_bytes(pages=2))}, headers={"Accept": "application/json"})


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in (root / "documents").rglob("*") if path.is_file())


def assert_previous_file_kept(previous, root):
    current = Document.objects.get(is_current=True)
    assert Document.objects.count() == 1 and current.pk == previous.pk and current.original_name == "cv-v1.pdf"
    assert stored_files(root) == [previous.file.name]


@pytest.mark.usefixtures("english")
def test_storage_failing_during_an_upload_keeps_the_previous_file(applicant_with_a_file, monkeypatch, tmp_path):
    client, url, previous = applicant_with_a_file

    def unreachable(storage, name, content):
        raise EndpointConnectionError(endpoint_url="https://s3.example.invalid/bucket")

    monkeypatch.setattr(FileSystemStorage, "_save", unreachable)
    response = post_second_version(client, url)
    assert response.status_code == 400 and STORE_ERROR in response.json()["error"]
    assert "cv-v1.pdf" in response.json()["html"]  # the item card still shows the previous file
    assert_previous_file_kept(previous, tmp_path)


def test_the_plain_form_shows_the_storage_error_in_the_chosen_language(applicant_with_a_file, monkeypatch):
    client, url, previous = applicant_with_a_file

    def refused(storage, name, content):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(FileSystemStorage, "_save", refused)
    expected = {}
    for language in ("zh-hant", "en"):
        with translation.override(language):
            expected[language] = gettext(STORE_ERROR + ". Your previous file is kept; please try again in a few "
                                          "minutes, and contact the admissions office if it keeps happening.")  # fmt: skip
    page = client.post(url, {"file": upload("cv-v2.pdf", pdf_bytes())}, follow=True).content.decode()
    assert html.escape(expected["zh-hant"]) in page
    client.cookies["gradadmit_language"] = "en"
    page = client.post(url, {"file": upload("cv-v2.pdf", pdf_bytes())}, follow=True).content.decode()
    assert html.escape(expected["en"]) in page


@pytest.mark.usefixtures("english")
def test_a_full_disk_while_storing_keeps_the_previous_file_and_removes_the_partial_one(
    applicant_with_a_file, monkeypatch, tmp_path
):
    client, url, previous = applicant_with_a_file
    failures = REGISTRY.get_sample_value("gradadmit_storage_failures_total", {"kind": "disk_full"}) or 0

    def disk_full(storage, name, content):
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:  # the first blocks fit, then the disk is full
            partial.write(b"%PDF-1.7\n% half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = post_second_version(client, url)
    assert response.status_code == 400 and STORE_ERROR in response.json()["error"]
    assert_previous_file_kept(previous, tmp_path)
    assert REGISTRY.get_sample_value("gradadmit_storage_failures_total", {"kind": "disk_full"}) == failures + 1

    monkeypatch.undo()  # space again: the same upload now goes through
    assert post_second_version(client, url).json()["ok"]
    assert Document.objects.get(is_current=True).original_name == "cv-v2.pdf"


def test_the_database_lost_mid_upload_saves_nothing_half_way(applicant_with_a_file, tmp_path):
    """The old version is marked not current, then the new row's INSERT fails: both roll back, the file goes."""
    client, url, previous = applicant_with_a_file

    def lose_connection_on_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "documents_document"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lose_connection_on_insert):
        response = post_second_version(client, url)
    assert response.status_code == 503 and response["Retry-After"]
    assert_previous_file_kept(previous, tmp_path)

    assert post_second_version(client, url).json()["ok"]  # the connection is back: the next request works
    assert Document.objects.get(is_current=True).original_name == "cv-v2.pdf"
