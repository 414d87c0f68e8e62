"""The database half of a backup (core/backup.py): a SQLite snapshot with the online backup API and its restore,
PostgreSQL's pg_dump and pg_restore run with the connection's settings (the password in libpq's environment, never
on a command line)."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do next."""


# --- SQLite ---------------------------------------------------------------------------------------------------


def snapshot_sqlite(connection, target: Path):
    source_path = sqlite_path(connection)
    if not Path(source_path).exists():
        raise BackupError(f"The SQLite database {source_path} does not exist: check GRADADMIT_DATA_DIR.")
    source = sqlite3.connect(source_path, timeout=20)
    snapshot = sqlite3.connect(target)
    try:
        with snapshot:
            source.backup(snapshot)  # all pages in one step: one consistent read transaction
        # A self-contained file (no -wal/-shm beside it), checked before it goes into the archive.
        snapshot.execute("PRAGMA journal_mode=DELETE")
        result = snapshot.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        snapshot.close()
        source.close()
    if result != "ok":
        raise BackupError(f"The database snapshot failed SQLite's check ({result}); the database may be damaged.")


def sqlite_path(connection) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def _postgres_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    # Debian installs every client version under /usr/lib/postgresql/<major>/bin; the newest can dump older servers.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"{name} was not found. Install the PostgreSQL client of the server's major version or newer "
        "(Debian: apt-get install postgresql-client) and run the command again."
    )


def _postgres_environment(settings_dict) -> dict:
    """Connection details as libpq environment variables: the password never appears on a command line."""
    environment = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
        "service": "PGSERVICE",
        "connect_timeout": "PGCONNECT_TIMEOUT",
    }.items():
        values[variable] = options.get(option)
    for variable, value in values.items():
        if value not in (None, ""):
            environment[variable] = str(value)
    return environment


def _run_postgres_tool(command: list[str], settings_dict, what: str):
    result = subprocess.run(  # noqa: S603 (a fixed command; arguments are ours, not a person's input)
        command, env=_postgres_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit code {result.returncode}): {detail}")
    return result


def dump_postgresql(connection, target: Path):
    command = [_postgres_binary("pg_dump"), "--format=custom", "--no-password", f"--file={target}"]
    _run_postgres_tool(command, connection.settings_dict, "pg_dump")


def restore_postgresql(connection, dump: Path):
    command = [
        _postgres_binary("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
        "--exit-on-error",
        "--no-password",
        f"--dbname={connection.settings_dict['NAME']}",
        str(dump),
    ]
    _run_postgres_tool(command, connection.settings_dict, "pg_restore")


def restore_sqlite(connection, snapshot: Path):
    target_path = sqlite_path(connection)
    Path(target_path).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(target_path, timeout=20)
    try:
        # Page by page under SQLite's own locks: unlike copying the file, this cannot be undone by a -wal file
        # left beside the old database, and a process that has it open sees the new content.
        source.backup(target)
    finally:
        target.close()
        source.close()
