"""The S3 storage takes a generated name (uuid4 hex) without asking S3 whether it exists, and still never overwrites
a file whose name was not generated; a file goes in one PutObject with its SHA-256 as the object's checksum."""

import base64
import hashlib
import os
import threading
import uuid

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from django.core.files.base import ContentFile
from moto import mock_aws

from gradadmit.core.storage import PrivateS3Storage
from gradadmit.core.uploads import MB


@pytest.fixture
def storage():
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="files")
        yield PrivateS3Storage(bucket_name="files", region_name="us-east-1", access_key="test", secret_key="test",
                               default_acl="private", file_overwrite=False)  # fmt: skip


def requests_to_s3(storage) -> list[str]:
    seen = []
    storage.connection.meta.client.meta.events.register("before-call.s3.*", lambda model, **_: seen.append(model.name))
    return seen


def test_a_generated_name_is_stored_with_one_request(storage):
    seen = requests_to_s3(storage)
    name = f"documents/7/{uuid.uuid4().hex}.pdf"
    assert storage.get_available_name(name, max_length=200) == name
    assert storage.save(name, ContentFile(b"%PDF-1.7 ..."), max_length=200) == name
    assert seen == ["PutObject"]
    assert storage.open(name).read() == b"%PDF-1.7 ..."


def test_a_name_of_its_own_is_checked_and_never_overwrites(storage):
    first = storage.save("bank-statements/statement.csv", ContentFile(b"first"))
    seen = requests_to_s3(storage)
    second = storage.save("bank-statements/statement.csv", ContentFile(b"second"))
    assert first == "bank-statements/statement.csv"
    assert second != first and second.startswith("bank-statements/statement_")
    assert "HeadObject" in seen
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


def test_a_generated_name_too_long_for_its_field_is_still_refused(storage):
    name = f"documents/{'9' * 200}/{uuid.uuid4().hex}.pdf"
    with pytest.raises(Exception, match="max_length|available filename"):
        storage.get_available_name(name, max_length=100)


def test_an_upload_is_sent_from_the_requests_own_thread(storage):
    threads = []
    storage.connection.meta.client.meta.events.register(
        "before-call.s3.PutObject", lambda **_: threads.append(threading.current_thread())
    )
    storage.save(f"documents/7/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.7 ..."))
    assert threads == [threading.current_thread()]


def sent_checksums(storage) -> list[str | None]:
    """The x-amz-checksum-sha256 header of each PutObject (S3 refuses a body that does not match it)."""
    sent = []
    storage.connection.meta.client.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(request.headers.get("x-amz-checksum-sha256"))
    )
    return sent


def test_a_file_goes_with_its_sha256_as_the_objects_checksum(storage):
    sent = sent_checksums(storage)
    body = b"%PDF-1.7 a letter"
    name = storage.save(f"letters/{uuid.uuid4().hex}.pdf", ContentFile(body))
    assert sent == [base64.b64encode(hashlib.sha256(body).digest())]
    assert storage.open(name).read() == body


def test_the_digest_the_upload_checks_computed_is_sent_without_hashing_again(storage, monkeypatch):
    sent = sent_checksums(storage)
    body = b"%PDF-1.7 a transcript"
    content = ContentFile(body)
    content.sha256 = hashlib.sha256(body).hexdigest()
    hashed = []
    monkeypatch.setattr("gradadmit.core.storage.hashlib.sha256", lambda *a: hashed.append(a))
    name = storage.save(f"documents/7/{uuid.uuid4().hex}.pdf", content)
    assert hashed == []
    assert sent == [base64.b64encode(bytes.fromhex(content.sha256))]
    assert storage.open(name).read() == body


def test_a_file_over_the_multipart_threshold_goes_in_parts_through_django_storages(storage):
    storage.transfer_config = TransferConfig(use_threads=False, multipart_threshold=5 * MB, multipart_chunksize=5 * MB)
    seen = requests_to_s3(storage)
    body = os.urandom(6 * MB)
    name = storage.save(f"documents/7/{uuid.uuid4().hex}.pdf", ContentFile(body))
    assert "CreateMultipartUpload" in seen and "PutObject" not in seen
    assert storage.open(name).read() == body


def test_a_text_file_is_left_to_django_storages_which_encodes_it(storage):
    name = storage.save("bank-statements/statement.csv", ContentFile("帳號,金額\n"))
    assert storage.open(name).read() == "帳號,金額\n".encode()
