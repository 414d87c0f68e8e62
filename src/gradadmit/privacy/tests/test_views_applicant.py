"""考生專區 personal data: download my data (own only), delete my account (refused while applications stand)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from gradadmit.accounts.models import User
from gradadmit.applications.models import Application
from gradadmit.core.models import AuditEntry
from gradadmit.documents.models import Document
from gradadmit.notifications.models import Message
from gradadmit.outbox.models import Email
from gradadmit.privacy.models import DataExport
from gradadmit.testing.factories import PASSWORD, ApplicationFactory, ProfileFactory, upload_required_documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def _export(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:request_export"))
    assert response.status_code == 302
    return DataExport.objects.get(applicant=user)


def test_download_my_data_has_the_profile_applications_and_uploaded_files(client, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    documents = upload_required_documents(application)
    export = _export(client, application.applicant, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.DONE

    page = client.get(reverse("privacy:my_data"))
    assert reverse("privacy:download_export", args=[export.pk]) in page.content.decode()
    response = client.get(reverse("privacy:download_export", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["name_zh"] == "王小明"
    assert data["profile"]["national_id"] == application.applicant.profile.national_id
    assert [a["number"] for a in data["applications"]] == [application.pk]
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == len(documents)
    first = Document.objects.get(pk=documents[0].pk)
    with first.file.open("rb") as handle:
        assert archive.read(data["applications"][0]["documents"][-1]["file"]) or handle.read()
    assert "王小明" in archive.read("summary.html").decode()


def test_another_applicants_export_is_404(client, django_capture_on_commit_callbacks):
    owner = ProfileFactory().user
    export = _export(client, owner, django_capture_on_commit_callbacks)
    client.force_login(ProfileFactory().user)
    assert client.get(reverse("privacy:download_export", args=[export.pk])).status_code == 404


def test_asking_twice_while_it_is_prepared_makes_one_export(client):
    user = ProfileFactory().user
    client.force_login(user)
    client.post(reverse("privacy:request_export"))  # on_commit not run: still queued
    client.post(reverse("privacy:request_export"))
    assert DataExport.objects.filter(applicant=user).count() == 1


def test_deleting_with_a_submitted_application_is_refused_with_the_reason(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    page = client.get(reverse("privacy:my_data"))
    assert "您有 1 筆已送出的報名" in page.content.decode()
    response = client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400
    assert "請先撤回報名" in response.content.decode()
    assert User.objects.filter(pk=application.applicant_id, is_active=True).exists()


def test_deleting_needs_the_password(client):
    user = ProfileFactory().user
    client.force_login(user)
    response = client.post(reverse("privacy:delete_account"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and User.objects.filter(pk=user.pk).exists()


def test_an_account_that_never_applied_is_deleted_and_audited(client):
    user = ProfileFactory().user
    client.force_login(user)
    response = client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    entry = AuditEntry.objects.get(action="privacy.account_deleted", target_id=str(user.pk))
    assert entry.after["how"] == "deleted"
    assert not Email.objects.filter(to=user.email).exists()


def test_after_withdrawing_everything_the_account_is_anonymised(client):
    application = ApplicationFactory()
    documents = upload_required_documents(application)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    user = application.applicant
    email = user.email
    client.force_login(user)
    response = client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.email.endswith("@anonymised.invalid")
    assert user.profile.name_zh == f"ANON-{user.pk}" and user.profile.national_id == ""
    assert not Email.objects.filter(to=email).exists()
    assert not Message.objects.filter(recipient=user).exclude(body_zh="").exists()
    for document in documents:
        assert not Document.objects.get(pk=document.pk).file
        assert not document.file.storage.exists(document.file.name)
    # The withdrawn application stays as a pseudonymous record.
    assert Application.objects.filter(pk=application.pk).exists()
