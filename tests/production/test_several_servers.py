"""Two app servers share everything: PostgreSQL, Redis (cache, sessions, rate limits) and S3-compatible storage.

Live processes, as in production behind a load balancer: two gunicorn servers and one task worker (`run_worker`)
on the suite's PostgreSQL test database, a redis-server and a moto S3 server started here on free ports. Each test
talks HTTP to both servers and checks one thing that breaks when a process keeps state of its own:
- a session signed in on server 1 works on server 2, and a sign-out on server 1 is seen by server 2 (the cached
  session is dropped from the shared cache, not only from server 1's memory);
- the sign-in rate limit counts the failures made on both servers;
- a file uploaded through server 1 downloads through server 2;
- a task queued by a request on server 1 is run by the worker.

Runs in the PostgreSQL pass of the suite only (DATABASE_URL=postgres://…, `make test-postgres`); skipped with the
reason otherwise, and skipped with a warning when redis-server or moto's server is missing. DEBUG is on in the
servers only so that static files need no collectstatic (seconds saved); nothing tested depends on it.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from gradadmit.documents.models import Document
from gradadmit.outbox.models import Email
from gradadmit.testing.factories import PASSWORD, ApplicationFactory
from gradadmit.testing.files import pdf_bytes
from tests.production.test_production_paths import free_port

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres_only,
    # Decided before any fixture runs, so the SQLite pass does not build a test database for nothing.
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="several app servers: runs in the PostgreSQL pass (DATABASE_URL=postgres://…, make test-postgres)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START_TIMEOUT = 40.0


def _skip(reason: str):
    warnings.warn(f"several-servers test skipped: {reason}", stacklevel=2)
    pytest.skip(reason)


class Cluster:
    """redis-server, moto_server, two gunicorn app servers and one worker; every process stopped by its id."""

    def __init__(self, tmp: Path, database_url: str):
        self.tmp = tmp
        self.processes: list[subprocess.Popen] = []
        redis_port, s3_port = free_port(), free_port()
        self.s3_endpoint = f"http://127.0.0.1:{s3_port}"
        self.ports = [free_port(), free_port()]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "GRADADMIT_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE="gradadmit.settings",
            DJANGO_DEBUG="1",
            GRADADMIT_DATA_DIR=str(tmp / "data"),
            GRADADMIT_LOG_LEVEL="WARNING",
            DATABASE_URL=database_url,
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            GRADADMIT_S3_BUCKET="gradadmit-files",
            GRADADMIT_S3_ENDPOINT_URL=self.s3_endpoint,
            GRADADMIT_S3_REGION="us-east-1",
            GRADADMIT_S3_ACCESS_KEY="test",
            GRADADMIT_S3_SECRET_KEY="test",
            PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        )
        self.spawn("redis", [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(redis_port),
                             "--save", "", "--appendonly", "no"])  # fmt: skip
        self.spawn("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)])
        for number, port in enumerate(self.ports, 1):
            self.spawn(f"app{number}", [str(BIN / "gunicorn"), "gradadmit.wsgi", "--worker-class", "gthread",
                                        "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}"])  # fmt: skip
        self.spawn("worker", [sys.executable, "manage.py", "run_worker", "--queue-name", "default",
                              "--worker-id", "several-servers-worker", "--no-reload", "--no-startup-delay"])  # fmt: skip
        self.wait(self.create_bucket, "the S3 bucket")
        for port in self.ports:
            self.wait(lambda port=port: self.healthy(port), f"app server on {port}")

    def spawn(self, name: str, command: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (the process holds it; closed with the directory)
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True))  # fmt: skip

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(self.tmp.glob("*.log"))
        )

    def wait(self, check, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            dead = [p.args[0] for p in self.processes if p.poll() is not None]
            assert not dead, f"{dead} exited while waiting for {what}:\n{self.logs()}"
            if check():
                return
            time.sleep(0.2)
        raise AssertionError(f"{what} not ready after {START_TIMEOUT:g} s:\n{self.logs()}")

    def create_bucket(self) -> bool:
        import boto3

        s3 = boto3.client("s3", endpoint_url=self.s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                          region_name="us-east-1")  # fmt: skip
        try:
            s3.create_bucket(Bucket="gradadmit-files")
        except Exception:
            return False
        return True

    def healthy(self, port: int) -> bool:
        try:
            return build_opener().open(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
        except OSError:
            return False

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group started for this process only
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    if shutil.which("redis-server") is None:
        _skip("Redis not available: redis-server is not installed (scripts/system_deps.sh --test installs it)")
    if not (BIN / "moto_server").exists():
        _skip("S3-compatible storage not available: moto_server is not installed (requirements-dev.txt)")
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]  # the suite's test database, migrated already
    url = urlsplit(os.environ["DATABASE_URL"])
    started = Cluster(tmp_path_factory.mktemp("several-servers"), urlunsplit(url._replace(path=f"/{name}")))
    try:
        yield started
    finally:
        started.stop()


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar, any server (the cookies of 127.0.0.1 go to every port)."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect())

    def request(self, server: int, path: str, data: bytes | None = None, headers=None) -> tuple[int, str, bytes]:
        url = f"http://127.0.0.1:{self.cluster.ports[server - 1]}{path}"
        # One Host for both, as behind a load balancer (allauth keys the per-email sign-in limit by host and email).
        request = Request(url, data=data, headers={"Host": "127.0.0.1", "Accept-Language": "en", **(headers or {})})
        try:
            response = self.opener.open(request, timeout=20)
        except HTTPError as answer:  # 3xx (not followed) and 4xx/5xx
            return answer.code, answer.headers.get("Location", ""), answer.read()
        return response.status, "", response.read()

    def csrf(self, server: int, path: str) -> str:
        status, _location, body = self.request(server, path)
        assert status == 200, (path, status, body[:300])
        return CSRF.search(body.decode()).group(1)

    def post(self, server: int, path: str, fields: dict, *, form_path: str | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf(server, form_path or path), **fields}
        return self.request(server, path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip

    def sign_in(self, server: int, email: str, password: str = PASSWORD):
        return self.post(server, "/accounts/login/", {"login": email, "password": password})

    def signed_in(self, server: int) -> bool:
        status, location, _body = self.request(server, "/me/")
        assert status in (200, 302), status
        return status == 200


def applicant_application():
    """An application in an open cycle, its applicant's password hashed with a hasher the servers know (PBKDF2; few
    iterations, so the failed attempts are quick: a sign-in upgrades it)."""
    application = ApplicationFactory()
    user = application.applicant
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return application


def test_a_session_signed_in_on_one_server_works_on_the_other(cluster):
    user = applicant_application().applicant
    browser = Browser(cluster)
    status, location, _body = browser.sign_in(1, user.email)
    assert (status, location) == (302, "/me/")
    assert browser.signed_in(2)


def test_a_sign_out_on_one_server_is_seen_by_the_other(cluster):
    user = applicant_application().applicant
    browser = Browser(cluster)
    browser.sign_in(1, user.email)
    assert browser.signed_in(2) and browser.signed_in(1)  # both servers have read (and cached) the session
    status, _location, _body = browser.post(1, "/accounts/logout/", {}, form_path="/me/")
    assert status == 302
    assert not browser.signed_in(2)


def test_the_sign_in_rate_limit_counts_failures_on_both_servers(cluster):
    user = applicant_application().applicant
    browser = Browser(cluster)
    for server in (1, 2, 1, 2, 1):  # five failures for this email: the limit is 5 per 300 s per email
        status, _location, _body = browser.sign_in(server, user.email, "wrong-password-1")
        assert status == 200
    status, _location, body = browser.sign_in(2, user.email)  # the right password, on the server that saw only 2
    assert status == 200 and b"Too many failed login attempts" in body
    assert not browser.signed_in(2)


def test_a_file_uploaded_through_one_server_downloads_through_the_other(cluster):
    application = applicant_application()
    requirement = application.program.document_requirements.get(code="cv")
    browser = Browser(cluster)
    browser.sign_in(1, application.applicant.email)
    content = pdf_bytes(pages=2)
    token = browser.csrf(1, f"/me/applications/{application.pk}/documents/")
    boundary = "several-servers-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _location, _body = browser.request(1, f"/me/applications/{application.pk}/documents/{requirement.pk}/",
                                               body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    assert status == 302
    document = Document.objects.get(application=application, requirement=requirement, is_current=True)
    status, _location, downloaded = browser.request(2, f"/me/documents/{document.pk}/")
    assert status == 200 and downloaded == content


def test_a_task_queued_by_one_server_runs_on_the_worker(cluster):
    application = applicant_application()
    browser = Browser(cluster)
    browser.sign_in(1, application.applicant.email)
    path = f"/me/applications/{application.pk}/recommenders/"
    fields = {"name": "陳大文", "organisation": "國立彰化師範大學", "title": "教授", "relationship": "專題指導",
              "email": "several-servers-professor@example.edu.tw", "phone": "04-7232105"}  # fmt: skip
    status, _location, _body = browser.post(1, path, fields)
    assert status == 302
    email = Email.objects.get(to="several-servers-professor@example.edu.tw")  # the invitation, queued
    deadline = time.monotonic() + 20
    while email.status != Email.Status.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        email.refresh_from_db()
    assert email.status == Email.Status.SENT, cluster.logs()  # delivered by the worker's delivery task
