"""The readiness probe and the upload store against S3-compatible storage (moto's server), and the same with
the storage unreachable: /readyz reports the failure, an upload gets the translated "try again later"."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.production.test_production_paths import PYTHON, free_port, manage

PROBE = """
import json
from django.core.files.base import ContentFile
from gradadmit.core import health
from gradadmit.core.errors import DomainError
from gradadmit.core.uploads import store_file
from gradadmit.documents.models import Document

try:
    storage = health.check_storage()
except Exception as error:
    storage = {"status": "fail", "error": type(error).__name__}
document = Document(application_id=1, extension="pdf")
try:
    store_file(document.file, "upload", ContentFile(b"%PDF-1.7 test"))
    stored = document.file.name
except DomainError as refusal:
    stored = refusal.code
print(json.dumps({"storage": storage, "stored": stored}))
"""


def s3_env(env, endpoint):
    return {
        **env,
        "GRADADMIT_S3_BUCKET": "gradadmit-files",
        "GRADADMIT_S3_ENDPOINT_URL": endpoint,
        "GRADADMIT_S3_REGION": "us-east-1",
        "GRADADMIT_S3_ACCESS_KEY": "test",
        "GRADADMIT_S3_SECRET_KEY": "test",
        "AWS_MAX_ATTEMPTS": "1",  # fail fast when the endpoint is down
    }


def probe(env) -> dict:
    return json.loads(manage("shell", "-v0", "-c", PROBE, env=env).strip().splitlines()[-1])


@pytest.fixture
def local_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "EMAIL_", "GRADADMIT_"))}
    return {**env, "GRADADMIT_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "gradadmit.settings"}


@pytest.fixture
def s3_server():
    import boto3

    port = free_port()
    server = subprocess.Popen([str(Path(PYTHON).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    for _ in range(50):
        try:
            s3.create_bucket(Bucket="gradadmit-files")
            break
        except Exception:
            time.sleep(0.2)
    try:
        yield endpoint, s3
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_readiness_and_uploads_round_trip_through_s3(local_env, s3_server):
    endpoint, s3 = s3_server
    result = probe(s3_env(local_env, endpoint))
    assert result["storage"] == {"status": "ok"} and result["stored"].startswith("documents/1/")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="gradadmit-files").get("Contents", [])]
    assert keys == [result["stored"]]  # the probe file was deleted


def test_an_unreachable_s3_fails_readiness_and_refuses_the_upload_cleanly(local_env):
    result = probe(s3_env(local_env, f"http://127.0.0.1:{free_port()}"))  # nothing listens there
    assert result == {
        "storage": {"status": "fail", "error": "EndpointConnectionError"},
        "stored": "storage_unavailable",
    }
