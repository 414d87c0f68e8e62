"""The S3 storage takes a generated name (uuid4 hex) without asking S3 whether it exists, and still never overwrites
a file whose name was not generated."""

import threading
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws

from gradadmit.core.storage import PrivateS3Storage


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
