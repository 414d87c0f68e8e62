"""Backups and restore: the real commands in subprocesses, each installation its own data folder and database.

A populated portal (an applicant, two applications, uploaded and re-uploaded documents) is backed up once per
module; each test restores it somewhere fresh (a copy of a migrated empty SQLite database) and looks at the
result as a person would: signed in as the applicant, 考生專區 and every document download.
"""

import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from gradadmit.core.backup import MANIFEST, BackupError, _refuse_newer_migrations

REPO = Path(settings.REPO_DIR)
PASSWORD = "restored-portal-pass-9"

# --- What the subprocesses run (imported there from this module) -------------------------------------------


def populate(out: str):
    """An applicant with two applications, every mandatory document uploaded, the CV uploaded twice."""
    from gradadmit.documents.services import upload_document
    from gradadmit.testing.factories import (
        ApplicationFactory,
        CycleFactory,
        ProfileFactory,
        ProgramFactory,
        upload_required_documents,
    )
    from gradadmit.testing.files import labelled_pdf_bytes, upload

    profile = ProfileFactory(user__email="restored@example.tw", user__password=PASSWORD)
    cycle = CycleFactory()
    applications = [ApplicationFactory(applicant=profile.user, program=ProgramFactory(cycle=cycle)) for _ in range(2)]
    for application in applications:
        upload_required_documents(application)
    cv = applications[0].program.document_requirements.get(code="cv")
    upload_document(
        applicant=profile.user,
        application=applications[0],
        requirement=cv,
        upload=upload("cv-v2.pdf", labelled_pdf_bytes("second version")),
    )
    Path(out).write_text(json.dumps({"email": profile.user.email}))


def probe(out: str, email: str):
    """Sign in as the applicant, open 考生專區 and download every document: what the portal serves."""
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    # Pages link static files by name: no collectstatic manifest needed for that.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
        result = _probe_pages(email)
    Path(out).write_text(json.dumps(result))


def _probe_pages(email: str) -> dict:
    from django.test import Client
    from django.urls import reverse

    from gradadmit.applications.models import Application
    from gradadmit.documents.models import Document

    client = Client()
    signed_in = client.login(username=email, password=PASSWORD)
    page = client.get(reverse("applications:dashboard"))
    html = page.content.decode()
    applications = [
        {"pk": a.pk, "program": a.program.name_zh, "on_page": a.program.name_zh in html}
        for a in Application.objects.filter(applicant__email=email).select_related("program").order_by("pk")
    ]
    documents = []
    for document in Document.objects.order_by("pk"):
        response = client.get(reverse("documents:own_file", args=[document.pk]))
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        documents.append(
            {
                "pk": document.pk,
                "name": document.file.name,
                "current": document.is_current,
                "status": response.status_code,
                "sha256": hashlib.sha256(body).hexdigest(),
            }
        )
    return {"signed_in": signed_in, "dashboard": page.status_code, "applications": applications, "documents": documents}


# --- Running the commands -----------------------------------------------------------------------------------


def environment(data_dir: Path, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "GRADADMIT_S3_BUCKET"}}
    env.update(GRADADMIT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="gradadmit.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def run_here(env: dict, function: str, *args: str):
    code = (
        "import sys, django; django.setup(); "
        f"from gradadmit.core.tests.test_backup import {function}; {function}(*sys.argv[1:])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def probed(env: dict, workdir: Path, email: str) -> dict:
    out = workdir / f"probe-{uuid.uuid4().hex}.json"
    run_here(env, "probe", str(out), email)
    return json.loads(out.read_text())


def stored_files(data_dir: Path) -> dict[str, str]:
    root = data_dir / "files"
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def user_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "gradadmit.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]


def read_archive(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar.getmembers()}


def write_archive(path: Path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


# --- Fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A populated portal on SQLite, probed, then backed up with `manage.py backup --output`."""
    data_dir = tmp_path_factory.mktemp("source")
    env = environment(data_dir)
    ok(manage(env, "migrate", "--noinput", "-v0"))
    empty_database = tmp_path_factory.mktemp("template") / "gradadmit.sqlite3"
    shutil.copyfile(data_dir / "gradadmit.sqlite3", empty_database)  # a migrated, empty installation
    facts = data_dir.parent / "facts.json"
    run_here(env, "populate", str(facts))
    email = json.loads(facts.read_text())["email"]
    archive = data_dir.parent / "backup.tar.gz"
    output = ok(manage(env, "backup", "--output", str(archive))).stdout
    return {
        "data_dir": data_dir,
        "env": env,
        "email": email,
        "archive": archive,
        "output": output,
        "empty_database": empty_database,
        "probe": probed(env, data_dir.parent, email),
        "files": stored_files(data_dir),
    }


@pytest.fixture
def fresh(source, tmp_path):
    """A fresh installation: its own data folder with a migrated, empty SQLite database and no files."""
    data_dir = tmp_path / "fresh"
    data_dir.mkdir()
    shutil.copyfile(source["empty_database"], data_dir / "gradadmit.sqlite3")
    return data_dir


# --- Tests ----------------------------------------------------------------------------------------------------


def test_restored_portal_serves_the_same_applications_and_byte_identical_files(source, fresh, tmp_path):
    env = environment(fresh)
    output = ok(manage(env, "restore", str(source["archive"]))).stdout
    assert "every checksum matches" in output

    restored = probed(env, tmp_path, source["email"])
    original = source["probe"]
    assert restored["signed_in"] and restored["dashboard"] == 200
    assert len(restored["applications"]) == 2
    assert all(application["on_page"] for application in restored["applications"])
    # Photo and CV of each application, and the CV replaced once: the older version stays stored, but the
    # applicant is served current files only.
    assert len(restored["documents"]) == 5
    assert [d["status"] for d in restored["documents"] if d["current"]] == [200] * 4
    assert restored == original
    assert stored_files(fresh) == source["files"]
    served = {d["name"]: d["sha256"] for d in restored["documents"] if d["current"]}
    assert served == {name: digest for name, digest in source["files"].items() if name in served}
    assert {d["name"] for d in restored["documents"]} <= set(source["files"])


def test_manifest_lists_every_member_with_its_size_and_checksum(source):
    members = read_archive(source["archive"])
    manifest = json.loads(members.pop(MANIFEST))
    listed = {member["name"]: member for member in manifest["members"]}
    assert set(listed) == set(members)
    for name, data in members.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    stored = {m["storage_name"]: m["sha256"] for m in manifest["members"] if m["name"].startswith("files/")}
    assert stored == source["files"]
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["database"]["member"] in members
    assert manifest["database"]["migrations"]["documents"].startswith("0")
    assert manifest["app_version"]
    assert manifest["created_at"]
    assert f"{len(stored)} file(s)" in source["output"]


def test_archive_with_a_changed_file_is_refused_and_nothing_changes(source, fresh, tmp_path):
    members = read_archive(source["archive"])
    name = next(name for name in members if name.startswith("files/documents/"))
    members[name] = members[name][:-1] + bytes([members[name][-1] ^ 0xFF])
    tampered = tmp_path / "tampered.tar.gz"
    write_archive(tampered, members)

    result = manage(environment(fresh), "restore", str(tampered))
    assert result.returncode != 0
    assert "failed its checksums" in result.stderr and name in result.stderr
    assert user_count(fresh) == 0
    assert not (fresh / "files").exists() or not stored_files(fresh)


def test_truncated_archive_is_refused_and_nothing_changes(source, fresh, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    data = source["archive"].read_bytes()
    truncated.write_bytes(data[: len(data) // 2])

    result = manage(environment(fresh), "restore", str(truncated))
    assert result.returncode != 0
    assert "Nothing was changed" in result.stderr
    assert user_count(fresh) == 0
    assert not (fresh / "files").exists() or not stored_files(fresh)


def test_restore_into_an_installation_with_data_is_refused(source):
    data_dir = source["data_dir"]
    users = user_count(data_dir)
    result = manage(source["env"], "restore", str(source["archive"]))
    assert result.returncode != 0
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert user_count(data_dir) == users
    assert stored_files(data_dir) == source["files"]


def test_force_replaces_the_data_of_an_installation_in_use(source, fresh):
    env = environment(fresh)
    ok(manage(env, "restore", str(source["archive"])))
    ok(manage(env, "restore", "--force", str(source["archive"])))
    assert user_count(fresh) == user_count(source["data_dir"])
    assert stored_files(fresh) == source["files"]


def test_files_restore_into_and_back_up_from_an_s3_bucket(source, fresh, tmp_path):
    import boto3

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
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
                s3.create_bucket(Bucket="gradadmit-restored")
                break
            except Exception:
                time.sleep(0.2)
        env = environment(fresh) | {
            "GRADADMIT_S3_BUCKET": "gradadmit-restored",
            "GRADADMIT_S3_ENDPOINT_URL": endpoint,
            "GRADADMIT_S3_REGION": "us-east-1",
            "GRADADMIT_S3_ACCESS_KEY": "test",
            "GRADADMIT_S3_SECRET_KEY": "test",
        }
        ok(manage(env, "restore", str(source["archive"])))
        objects = s3.list_objects_v2(Bucket="gradadmit-restored")["Contents"]
        assert {o["Key"] for o in objects} == set(source["files"])
        assert probed(env, tmp_path, source["email"]) == source["probe"]

        again = tmp_path / "from-s3.tar.gz"
        ok(manage(env, "backup", "--output", str(again)))
        manifest = json.loads(read_archive(again)[MANIFEST])
        assert manifest["storage"] == "gradadmit.core.storage.PrivateS3Storage"
        stored = {m["storage_name"]: m["sha256"] for m in manifest["members"] if m["name"].startswith("files/")}
        assert stored == source["files"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_backup_of_a_newer_version_is_refused():
    with pytest.raises(BackupError, match="newer version"):
        _refuse_newer_migrations({"documents": "9999_from_the_future", "auth": "0001_initial"})


# --- PostgreSQL: pg_dump and pg_restore --------------------------------------------------------------------


def postgres_base_url() -> str | None:
    """The server of the suite's PostgreSQL database, when the suite runs on one that answers (and pg_dump is here)."""
    from scripts.db_reachable import main as reachable

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    base = url.rsplit("/", 1)[0]
    return base if reachable(base + "/postgres") == 0 and shutil.which("pg_dump") else None


@pytest.mark.postgres_only
def test_postgresql_backup_restores_into_a_new_database(tmp_path):
    base = postgres_base_url()
    if base is None:
        pytest.skip("runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://…), with pg_dump installed")
    import psycopg

    names = [f"gradadmit_backup_{kind}_{os.getpid()}" for kind in ("source", "restored")]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        source_env = environment(tmp_path / "source", f"{base}/{names[0]}")
        ok(manage(source_env, "migrate", "--noinput", "-v0"))
        facts = tmp_path / "facts.json"
        run_here(source_env, "populate", str(facts))
        email = json.loads(facts.read_text())["email"]
        original = probed(source_env, tmp_path, email)
        archive = tmp_path / "pg.tar.gz"
        ok(manage(source_env, "backup", "--output", str(archive)))
        manifest = json.loads(read_archive(archive)[MANIFEST])
        assert manifest["database"] | {"migrations": None} == {
            "vendor": "postgresql",
            "member": "database/gradadmit.pgdump",
            "migrations": None,
        }

        # A new, empty database that was never migrated: the dump brings the schema too.
        restored_env = environment(tmp_path / "restored", f"{base}/{names[1]}")
        ok(manage(restored_env, "restore", str(archive)))
        restored = probed(restored_env, tmp_path, email)
        assert restored == original
        assert restored["signed_in"] and len(restored["documents"]) == 5
        assert stored_files(tmp_path / "restored") == stored_files(tmp_path / "source")
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
