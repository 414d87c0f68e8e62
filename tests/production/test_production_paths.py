"""The production switches, exercised against real local servers the test starts itself:
SMTP (aiosmtpd) through the database task queue and its worker, S3-compatible storage (moto's
server mode), and `check --deploy` with production variables. Each runs manage.py in a subprocess
with its own environment and a throw-away SQLite database."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, timeout=120):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def base_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "EMAIL_", "GRADADMIT_"))}
    env["GRADADMIT_DATA_DIR"] = str(tmp_path / "data")
    env["DJANGO_SETTINGS_MODULE"] = "gradadmit.settings"
    return env


def test_email_task_is_delivered_over_smtp_by_the_worker(base_env):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {**base_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}
        manage("migrate", "--noinput", "-v0", env=env)
        manage(
            "shell",
            "-v0",
            "-c",
            "from gradadmit.outbox.services import queue_email; "
            "queue_email(to='applicant@example.tw', subject='報名完成 / Application received', body='內容 body', "
            "cause='test')",
            env=env,
        )
        assert inbox.messages == []  # queued, not sent inside the request
        manage("run_worker", "--batch", "--no-startup-delay", env=env)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["applicant@example.tw"]
    from email import message_from_bytes
    from email.header import decode_header, make_header

    received = message_from_bytes(inbox.messages[0].content)
    assert str(make_header(decode_header(received["Subject"]))) == "報名完成 / Application received"
    assert "內容 body" in received.get_payload(decode=True).decode()


def test_files_go_to_s3_compatible_storage(base_env):
    import boto3

    port = free_port()
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
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
        env = {
            **base_env,
            "GRADADMIT_S3_BUCKET": "gradadmit-files",
            "GRADADMIT_S3_ENDPOINT_URL": endpoint,
            "GRADADMIT_S3_REGION": "us-east-1",
            "GRADADMIT_S3_ACCESS_KEY": "test",
            "GRADADMIT_S3_SECRET_KEY": "test",
        }
        out = manage(
            "shell",
            "-v0",
            "-c",
            "from django.core.files.base import ContentFile; from django.core.files.storage import default_storage; "
            "name = default_storage.save('forms/demo.txt', ContentFile(b'hello s3')); "
            "print(type(default_storage._wrapped).__name__, name, default_storage.open(name).read().decode())",
            env=env,
        )
        assert out.split() == ["PrivateS3Storage", "forms/demo.txt", "hello", "s3"]
        stored = s3.get_object(Bucket="gradadmit-files", Key="forms/demo.txt")
        assert stored["Body"].read() == b"hello s3"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_check_deploy_is_clean_with_production_variables(base_env):
    env = {
        **base_env,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "admissions.example.edu.tw",
        "DATABASE_URL": "postgres://gradadmit@db.internal:5432/gradadmit",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "GRADADMIT_FIELD_KEYS": "OikNKn8hRkdNQkt4XkSkZAmnLNb4oi3gF7lrJ5ifcN0=",  # a Fernet key (test only)
        "GRADADMIT_FIELD_HASH_KEY": secrets.token_urlsafe(40),
    }
    out = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "no issues" in out
