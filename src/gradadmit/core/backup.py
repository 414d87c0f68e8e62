"""Backups: one archive with a consistent database snapshot, every stored file and a checksummed manifest; restore.

The archive is a gzip-compressed tar with these members, in this order:

    database/gradadmit.sqlite3   SQLite: a snapshot made with SQLite's online backup API (journal mode DELETE)
    database/gradadmit.pgdump    PostgreSQL: `pg_dump --format=custom`
    files/<storage name>         every file of the default storage (local folder or S3 bucket), byte for byte
    manifest.json                every member's size and SHA-256, the database vendor, the last applied
                                 migration per app, the creation time and the app version

The database is snapshotted before the files are read: a file stored while the backup runs is either in the
archive without a row (harmless) or in neither. Stored files are never changed in place (names are generated,
re-uploads add a file), so a file read once is the file the snapshot refers to.

Restoring goes into an empty installation (refused otherwise unless forced), checks every checksum before it
changes anything, restores the database, writes the files back under the same names and reads them back to
check them once more. Operator-facing (management commands): messages are in English, like Django's own.
"""

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.utils import validate_file_name
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from gradadmit.core import clock
from gradadmit.core.backup_databases import (
    BackupError,
    dump_postgresql,
    restore_postgresql,
    restore_sqlite,
    snapshot_sqlite,
)

FORMAT = 1
KIND = "gradadmit-backup"
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"sqlite": "database/gradadmit.sqlite3", "postgresql": "database/gradadmit.pgdump"}
CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # a restored file larger than this is spooled through a temporary file


@dataclass
class BackupResult:
    path: Path
    vendor: str
    files: int
    file_bytes: int
    archive_bytes: int
    skipped: list[str] = field(default_factory=list)  # files deleted between listing and reading


@dataclass
class RestoreResult:
    vendor: str
    files: int
    file_bytes: int
    created_at: str
    app_version: str | None
    pending_migrations: list[str]


# --- Creating ------------------------------------------------------------------------------------------------


def create_backup(*, output=None, storage=None, using="default") -> BackupResult:
    """Write one archive of the database and every stored file to `output` (a file or a folder).

    Side effects: a new archive file (mode 0600; written under a temporary name and renamed when complete, so a
    failed run leaves no partial archive under the final name). Nothing in the installation changes.
    """
    storage = storage or _default_storage()
    connection = connections[using]
    vendor = _vendor(connection)
    created = clock.now()
    path = _output_path(output, created)
    path.parent.mkdir(parents=True, exist_ok=True)

    members = []
    skipped = []
    file_count = file_bytes = 0
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open past this block, renamed on success)
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    temporary = Path(handle.name)
    try:
        os.chmod(temporary, 0o600)  # personal data: readable by the owner only
        with tempfile.TemporaryDirectory(prefix="gradadmit-backup-") as workdir:
            snapshot = Path(workdir) / "database"
            if vendor == "sqlite":
                snapshot_sqlite(connection, snapshot)
            else:
                dump_postgresql(connection, snapshot)
            with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                with snapshot.open("rb") as source:
                    members.append(_add_member(tar, DATABASE_MEMBERS[vendor], source, snapshot.stat().st_size, created))
                snapshot.unlink()
                for name in _walk(storage):
                    try:
                        size = storage.size(name)
                        source = storage.open(name, "rb")
                    except FileNotFoundError:
                        skipped.append(name)
                        continue
                    with source:
                        entry = _add_member(tar, FILES_PREFIX + name, source, size, created)
                    entry["storage_name"] = name
                    members.append(entry)
                    file_count += 1
                    file_bytes += size
                manifest = {
                    "kind": KIND,
                    "format": FORMAT,
                    "created_at": created.isoformat(),
                    "app_version": app_version(),
                    "database": {
                        "vendor": vendor,
                        "member": DATABASE_MEMBERS[vendor],
                        "migrations": applied_migrations(connection),
                    },
                    "storage": _storage_backend(storage),
                    "files": file_count,
                    "members": members,
                }
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                _add_member(tar, MANIFEST, io.BytesIO(data), len(data), created)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(temporary, path)
    except BaseException:
        handle.close()
        temporary.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        vendor=vendor,
        files=file_count,
        file_bytes=file_bytes,
        archive_bytes=path.stat().st_size,
        skipped=skipped,
    )


def _output_path(output, created: datetime) -> Path:
    name = f"gradadmit-backup-{created.strftime('%Y%m%d-%H%M%S')}.tar.gz"
    if output is None:
        return Path.cwd() / name
    path = Path(output)
    return path / name if path.is_dir() else path


class _HashingReader:
    """A file object that hashes and counts what is read through it (the archive holds exactly those bytes)."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_member(tar, name: str, source, size: int, created: datetime) -> dict:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(created.timestamp())
    info.mode = 0o600
    reader = _HashingReader(source)
    try:
        tar.addfile(info, reader)
    except OSError as error:  # the file is shorter than its size said: it changed while we read it
        raise BackupError(f"{name} changed while it was read ({error}); run the backup again.") from error
    return {"name": name, "size": reader.size, "sha256": reader.digest.hexdigest()}


def _walk(storage, path=""):
    """Every file name of the storage, depth first, sorted (works for local folders and S3 buckets alike)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        if path:
            raise
        return  # a local storage whose folder was never created holds no files
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from _walk(storage, f"{path}/{directory}" if path else directory)


# --- Facts for the manifest -----------------------------------------------------------------------------------


def applied_migrations(connection) -> dict[str, str]:
    """The last applied migration of every app, in the order they were applied ({} for an unmigrated database)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    last = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        last[app] = name
    return dict(sorted(last.items()))


def app_version() -> str | None:
    with contextlib.suppress(metadata.PackageNotFoundError):  # not installed as a package: read pyproject.toml
        return metadata.version("gradadmit")
    pyproject = Path(getattr(settings, "REPO_DIR", "")) / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def human_size(size: float) -> str:
    if size < 1000:
        return f"{size:.0f} B"
    units = ["kB", "MB", "GB"]
    size /= 1000
    while size >= 1000 and len(units) > 1:
        size /= 1000
        units.pop(0)
    return f"{size:.1f} {units[0]}"


def _vendor(connection) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _storage_backend(storage) -> str:
    return f"{type(storage).__module__}.{type(storage).__qualname__}"


def _default_storage():
    from django.core.files.storage import storages

    return storages["default"]  # the instance default_storage wraps, with its real class for the manifest


# --- Verifying ------------------------------------------------------------------------------------------------


def verify_archive(archive, *, extract_database_to: Path | None = None) -> dict:
    """Read the whole archive, check every member against the manifest and return the manifest.

    Refuses (BackupError) a damaged archive, a member missing from the manifest or the other way round, a size
    or checksum that differs, links or folders, and names that would leave the storage. With
    `extract_database_to`, the database member is also written there while it is checked.
    """
    seen = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for info in tar:
                if not info.isfile():
                    raise BackupError(f"The archive holds {info.name!r}, which is not a regular file.")
                if info.name in seen or (info.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive holds {info.name!r} twice.")
                source = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                if extract_database_to is not None and info.name in DATABASE_MEMBERS.values():
                    with extract_database_to.open("wb") as out:
                        seen[info.name] = _copy_hashing(source, out)
                else:
                    seen[info.name] = _copy_hashing(source, None)
    except FileNotFoundError as error:
        raise BackupError(f"{archive} does not exist.") from error
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is damaged or not a GradAdmit backup ({error}). Nothing was changed.") from error
    if manifest_bytes is None:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a GradAdmit backup. Nothing was changed.")
    manifest = _parse_manifest(manifest_bytes, archive)

    listed = {member["name"]: member for member in manifest["members"]}
    problems = []
    for name in sorted(set(listed) - set(seen)):
        problems.append(f"{name}: listed in the manifest, missing from the archive")
    for name in sorted(set(seen) - set(listed)):
        problems.append(f"{name}: in the archive, not listed in the manifest")
    for name in sorted(set(seen) & set(listed)):
        size, digest = seen[name]
        if size != listed[name]["size"] or digest != listed[name]["sha256"]:
            problems.append(f"{name}: size or SHA-256 differs from the manifest")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise BackupError(f"{archive} failed its checksums ({shown}). Nothing was changed; use another backup.")
    return manifest


def _parse_manifest(data: bytes, archive) -> dict:
    try:
        manifest = json.loads(data)
        ok = manifest.get("kind") == KIND and isinstance(manifest.get("members"), list)
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise BackupError(f"{archive} has an unreadable {MANIFEST}: it is not a GradAdmit backup. Nothing was changed.")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive} is in backup format {manifest.get('format')}; this version reads format {FORMAT}. "
            "Restore it with the version of GradAdmit that made it."
        )
    for member in manifest["members"]:
        name = member.get("name", "")
        if name in DATABASE_MEMBERS.values():
            continue
        storage_name = member.get("storage_name", "")
        if not name.startswith(FILES_PREFIX) or name != FILES_PREFIX + storage_name:
            raise BackupError(f"{archive} lists an unexpected member {name!r}. Nothing was changed.")
        _check_storage_name(storage_name)
    return manifest


def _check_storage_name(name: str):
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation as error:
        raise BackupError(f"The archive names a file outside the storage ({name!r}). Nothing was changed.") from error
    if PurePosixPath(name).is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(f"The archive names a file outside the storage ({name!r}). Nothing was changed.")


def _copy_hashing(source, out) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return size, digest.hexdigest()


# --- Restoring ------------------------------------------------------------------------------------------------


def installation_in_use(*, storage=None, using="default") -> list[str]:
    """What makes this installation not empty: users or applications in the database, files in the storage."""
    storage = storage or _default_storage()
    connection = connections[using]
    reasons = []
    tables = set(connection.introspection.table_names())
    rows = []
    for model, label in ((get_user_model(), "user"), (_model("applications", "Application"), "application")):
        if model is not None and model._meta.db_table in tables:
            count = model._default_manager.using(using).count()
            if count:
                rows.append(f"{count} {label}(s)")
    if rows:
        reasons.append("the database has " + " and ".join(rows))
    first_file = next(iter(_walk(storage)), None)
    if first_file is not None:
        reasons.append(f"the file storage already holds files (e.g. {first_file})")
    return reasons


def _model(app_label, model_name):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def restore_backup(*, archive, force=False, storage=None, using="default") -> RestoreResult:
    """Put the archive's database and files into this installation, which must be empty unless `force`.

    Order: refuse a non-empty installation; check every checksum of the archive (nothing is changed before);
    refuse a backup of another database vendor or of a newer version (migrations this code does not know);
    restore the database (SQLite: the snapshot copied page by page over the configured file through SQLite's
    backup API, which is safe beside the -wal file; PostgreSQL: pg_restore --clean --if-exists --no-owner in
    one transaction); write every file through the storage under its own name (with `force`, a file of the
    same name is replaced; other files are left); read every file back and check its checksum.
    Side effects: the database and storage are replaced as above, database connections are closed and the
    cache is cleared (sessions and rate limits of the replaced data).
    """
    storage = storage or _default_storage()
    connection = connections[using]
    vendor = _vendor(connection)
    if not force:
        reasons = installation_in_use(storage=storage, using=using)
        if reasons:
            raise BackupError(
                "This installation is not empty: "
                + "; ".join(reasons)
                + ". Restore into a fresh database and data folder, or pass --force to replace its data."
            )

    with tempfile.TemporaryDirectory(prefix="gradadmit-restore-") as workdir:
        snapshot = Path(workdir) / "database"
        manifest = verify_archive(archive, extract_database_to=snapshot)
        database = manifest.get("database") or {}
        if database.get("vendor") != vendor:
            raise BackupError(
                f"The backup holds a {database.get('vendor')} database; this installation uses {vendor}. "
                "Point DATABASE_URL at a database of the same kind. Nothing was changed."
            )
        if not snapshot.exists():
            raise BackupError(f"{archive} holds no database snapshot. Nothing was changed.")
        _refuse_newer_migrations(database.get("migrations") or {})

        connections.close_all()
        if vendor == "sqlite":
            restore_sqlite(connection, snapshot)
        else:
            restore_postgresql(connection, snapshot)
        snapshot.unlink()

    files = [member for member in manifest["members"] if member["name"].startswith(FILES_PREFIX)]
    _write_files(archive, files, storage)
    _check_written_files(files, storage)
    cache.clear()

    return RestoreResult(
        vendor=vendor,
        files=len(files),
        file_bytes=sum(member["size"] for member in files),
        created_at=manifest.get("created_at", ""),
        app_version=manifest.get("app_version"),
        pending_migrations=_pending_migrations(connection),
    )


def _refuse_newer_migrations(recorded: dict[str, str]):
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    installed = {config.label for config in apps.get_app_configs()}
    unknown = [f"{app}.{name}" for app, name in recorded.items() if app in installed and (app, name) not in known]
    if unknown:
        raise BackupError(
            "The backup was made by a newer version of GradAdmit (migrations this code does not have: "
            + ", ".join(unknown)
            + "). Install that version (or newer) and restore again. Nothing was changed."
        )


def _write_files(archive, files: list[dict], storage):
    expected = {member["name"]: member for member in files}
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for info in tar:
                member = expected.get(info.name)
                if member is None:
                    continue
                name = member["storage_name"]
                with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
                    size, digest = _copy_hashing(tar.extractfile(info), spool)
                    if (size, digest) != (member["size"], member["sha256"]):
                        raise BackupError(
                            f"{info.name} changed since the archive was checked; the restore is incomplete. "
                            "Copy the archive again and restore with --force."
                        )
                    spool.seek(0)
                    if storage.exists(name):  # only with --force: the backup's file replaces it
                        storage.delete(name)
                    saved = storage.save(name, File(spool, name=name))
                if saved != name:
                    raise BackupError(f"The storage saved {name} as {saved}; the restore is incomplete.")
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} could not be read again ({error}); the restore is incomplete.") from error


def _check_written_files(files: list[dict], storage):
    problems = []
    for member in files:
        name = member["storage_name"]
        try:
            with storage.open(name, "rb") as stored:
                size, digest = _copy_hashing(stored, None)
        except FileNotFoundError:
            problems.append(f"{name} (missing)")
            continue
        if (size, digest) != (member["size"], member["sha256"]):
            problems.append(f"{name} (differs)")
    if problems:
        raise BackupError(
            "Files read back from the storage do not match the backup: "
            + ", ".join(problems[:10])
            + ". Check the storage (space, permissions) and restore again with --force."
        )


def _pending_migrations(connection) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
