"""The task worker killed (SIGKILL) at random moments during packet builds, ticket batches, statement imports and an
outbox delivery, restarted each time; afterwards every job is complete and nothing is doubled (issue 13).

Each round starts `manage.py run_worker` in a subprocess (its own SQLite file in a temporary GRADADMIT_DATA_DIR,
lease 1 s), waits until it has claimed a job of the kind (polling the SQLite file with the sqlite3 module), sleeps a
random time within the job's normal run time (measured first, in a fresh worker) and kills it with SIGKILL. The
next worker alternately takes the old id (it takes the job back at once) or a new one (the job comes back through
the lease). Rounds: WORKER_KILL_ROUNDS (20); the random seed: WORKER_KILL_SEED (random), printed in every message.

SQLite only: on the PostgreSQL run of the suite (DATABASE_URL set) the module is skipped; the subprocesses would
use the SQLite file anyway, so the same test twice would add four minutes and nothing else.
"""

import email
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SCRIPT = str(Path(__file__).with_name("worker_jobs.py"))
ROUNDS = int(os.environ.get("WORKER_KILL_ROUNDS", "20"))
SEED = int(os.environ.get("WORKER_KILL_SEED", str(random.SystemRandom().randrange(10**6))))
LEASE = 1  # seconds, GRADADMIT_WORKER_LEASE_SECONDS of every worker here
TASKS = {
    "packets": "gradadmit.documents.tasks.build_program_packets",
    "tickets": "gradadmit.exams.tasks.build_ticket_batch",
    "statements": "gradadmit.fees.tasks.import_statement_task",
    "outbox": "gradadmit.outbox.tasks.deliver_outbox",
}

CLAIMED = ("RUNNING", "SUCCESSFUL", "FAILED")  # states of a job some worker has taken

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocesses; run once, on the SQLite run of the suite"
)


class Portal:
    """A migrated data directory, workers started and killed in it, and a reader of its SQLite file."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_", "EMAIL_",
                                                                              "GRADADMIT_"))}  # fmt: skip
        self.env.update(
            GRADADMIT_DATA_DIR=str(data_dir),
            DJANGO_SETTINGS_MODULE="gradadmit.settings",
            GRADADMIT_WORKER_LEASE_SECONDS=str(LEASE),
            # The cap on lost runs is for a job that kills its worker; here the test kills it, more often than that.
            GRADADMIT_JOB_MAX_LOST="1000",
            GRADADMIT_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.rng = random.Random(SEED)
        self.log: list[str] = []  # what each round did, for the assertion messages
        self.worker_id = "w-0"
        self.workers = 0
        self._db = None

    # --- subprocesses -----------------------------------------------------------------------------------------

    def manage(self, *args, timeout=300):
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def script(self, *args, env=None) -> dict:
        done = subprocess.run([PYTHON, SCRIPT, *map(str, args)], cwd=ROOT, env=env or self.env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_worker(self, worker_id: str, *extra, env=None) -> subprocess.Popen:
        self.workers += 1
        log = open(self.data_dir / f"worker-{self.workers}.log", "wb")  # noqa: SIM115 (closed by the child's end)
        with log:
            return subprocess.Popen(
                [PYTHON, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay", "--worker-id", worker_id,
                 *extra],
                cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        os.kill(process.pid, signal.SIGKILL)  # the worker started above, by its id
        process.wait(timeout=10)

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # a clean stop between jobs
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                Portal.kill(process)

    # --- the SQLite file, read directly (no Django start per poll) ---------------------------------------------

    def sql(self, query: str, *params):
        if self._db is None:
            self._db = sqlite3.connect(self.data_dir / "gradadmit.sqlite3", timeout=20, isolation_level=None)
        return self._db.execute(query, params).fetchall()

    def tasks(self, kind: str, *statuses) -> list[tuple]:
        marks = ",".join("?" * len(statuses))
        return self.sql(f"SELECT id, worker_ids, started_at FROM django_tasks_database_dbtaskresult "  # noqa: S608
                        f"WHERE task_path = ? AND status IN ({marks})", TASKS[kind], *statuses)  # fmt: skip

    def wait(self, condition, timeout: float, what: str, process=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if process is not None and process.poll() is not None:
                raise AssertionError(
                    f"the worker exited ({process.returncode}) waiting for {what}; {self.context()}\n{self.log_tail()}"
                )
            time.sleep(0.02)
        raise AssertionError(f"no {what} within {timeout} s; {self.context()}\n{self.log_tail()}")

    def log_tail(self) -> str:
        path = self.data_dir / f"worker-{self.workers}.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "last worker's log:\n" + "\n".join(lines[-15:])

    def context(self) -> str:
        return f"seed {SEED} (WORKER_KILL_SEED={SEED} to repeat); rounds: {'; '.join(self.log[-25:])}"

    # --- rounds --------------------------------------------------------------------------------------------------

    def normal_run_time(self, kind: str) -> float:
        """Seconds from claim to finish of the first job of the kind run by a fresh worker, not killed."""
        query = ("SELECT (julianday(finished_at) - julianday(started_at)) * 86400 FROM "
                 "django_tasks_database_dbtaskresult WHERE task_path = ? AND status = 'SUCCESSFUL' "
                 "AND started_at IS NOT NULL")  # fmt: skip
        process = self.start_worker(f"calibrate-{kind}")
        try:
            seconds = self.wait(lambda: self.sql(query, TASKS[kind]), 120, f"{kind} job finished", process)[0][0]
        finally:
            self.stop(process)
        self.log.append(f"{kind}: normal run {seconds:.2f} s")
        return seconds

    def kill_rounds(self, kind: str, rounds: int, typical: float) -> int:
        """Kill the worker `rounds` times while it runs a job of the kind; returns how many kills hit a job."""
        hits = 0
        for number in range(rounds):
            if not self.tasks(kind, "READY", "RUNNING"):
                made = self.script("more", kind)  # every job finished before a kill: one more to kill
                self.log.append(f"{kind} {number}: another job {made['id']}")
            if number % 2:
                self.worker_id = f"w-{kind}-{number}"  # a new worker: the job held by the dead one waits the lease
            # A claim changes a row's workers and start; a job taken back with nothing left to do may end before
            # the next poll, so a claimed row is looked for among the finished ones too.
            before = set(self.tasks(kind, *CLAIMED, "READY"))
            process = self.start_worker(self.worker_id)
            try:
                claimed = self.wait(lambda seen=before: [r for r in self.tasks(kind, *CLAIMED) if r not in seen],
                                    60, f"{kind} job claimed by worker {self.worker_id}", process)  # fmt: skip
            except AssertionError:
                self.kill(process)  # not left running to take the next test's jobs
                raise
            delay = self.rng.uniform(0, typical)
            time.sleep(delay)
            still = {row[0] for row in self.tasks(kind, "RUNNING")} & {row[0] for row in claimed}
            self.kill(process)
            hits += bool(still)
            self.log.append(f"{kind} {number}: {self.worker_id} killed {delay:.2f} s after claiming "
                            f"{claimed[0][0][:8]}{'' if still else ' (it had finished)'}")  # fmt: skip
        return hits

    def finish(self, kind: str, timeout: float = 120) -> None:
        """A worker under the last id (it takes back what the dead one held) runs until no job of the kind is left."""
        process = self.start_worker(self.worker_id)
        try:
            self.wait(lambda: not self.tasks(kind, "READY", "RUNNING"), timeout, f"end of the {kind} jobs", process)
        finally:
            self.stop(process)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    portal = Portal(tmp_path_factory.mktemp("kills") / "data")
    portal.manage("migrate", "--noinput", "-v0")
    portal.manage("prepare_pdf_fonts")  # once, as a deployment does: not part of any job's run time
    return portal


def min_hits() -> int:
    """Kills that must land while a job runs. A quarter: a job taken back resumes with less left to do (a statement
    import after its last committed batch), so a kill timed on a full run often comes after the end."""
    return max(1, ROUNDS // 4)


def unfinished(portal, kind: str) -> list:
    return portal.sql(
        "SELECT status, traceback FROM django_tasks_database_dbtaskresult WHERE task_path = ? AND status != ?",
        TASKS[kind],
        "SUCCESSFUL",
    )


def kill_and_finish(portal, kind: str, *seed, job: str) -> str:
    """Seed the jobs of a kind, time one normal run, kill the worker ROUNDS times while they run, then let a
    worker finish them; checks that every job ended and enough kills hit a running one. Returns the context."""
    portal.script(kind, *seed)
    typical = portal.normal_run_time(kind)
    hits = portal.kill_rounds(kind, ROUNDS, typical)
    portal.finish(kind)
    why = portal.context()
    assert unfinished(portal, kind) == [], why
    assert hits >= min_hits(), f"only {hits} kills hit a running {job}; {why}"
    return why


def test_packet_builds_survive_the_worker_killed_20_times(portal):
    why = kill_and_finish(portal, "packets", 3, 4, job="build")
    builds = portal.script("check")["packets"]
    assert len(builds) >= 3, why
    for build in builds:
        assert build["status"] == "done" and build["done"] == build["total"] == len(build["expected"]), (build, why)
        assert len(build["names"]) == len(set(build["names"])), (f"a packet twice in build {build['id']}", why)
        assert sorted(build["names"]) == sorted(build["expected"]), (build["id"], why)  # one PDF per application
        assert build["pages"] == build["expected"], (f"page counts of build {build['id']}", why)


def test_ticket_batches_survive_the_worker_killed_20_times(portal):
    why = kill_and_finish(portal, "tickets", 3, 8, job="batch")
    batches = portal.script("check")["tickets"]
    assert len(batches) >= 3, why
    for batch in batches:
        assert batch["status"] == "done" and batch["done"] == batch["total"] == len(batch["expected"]), (batch, why)
        assert len(batch["names"]) == len(set(batch["names"])), (f"a ticket twice in batch {batch['id']}", why)
        assert sorted(batch["names"]) == batch["expected"], (batch["id"], why)  # one PDF per ticket
        assert set(batch["pages"].values()) == {1}, (f"tickets of batch {batch['id']} that do not open", why)


def test_statement_imports_survive_the_worker_killed_20_times(portal):
    why = kill_and_finish(portal, "statements", 3, 5000, job="import")
    result = portal.script("check")["statements"]
    assert result["charges_wrong"] == [], ("amount_received is not the sum of the payments (paid twice?)", why)
    assert result["lines_paid_twice"] == [], why
    assert len(result["imports"]) >= 3, why
    for statement in result["imports"]:
        label = f"import {statement['id']}"
        assert statement["status"] == "done", (label, statement["error"], why)
        assert statement["lines"] == statement["distinct_line_numbers"] == statement["file_lines"], (label, why)
        outcomes = Counter(statement["outcomes"])
        counts = statement["counts"]
        assert counts["lines_total"] == statement["lines"], (label, counts, why)
        for outcome in ("matched", "amount_wrong", "unknown", "duplicate", "invalid"):
            assert counts[outcome] == outcomes[outcome], (label, outcome, counts, dict(outcomes), why)
        # One payment per line paid into a charge (matched, or partly paid), none for the other lines.
        assert statement["payments"] == statement["lines_with_charge"], (label, why)
        assert statement["payments"] >= outcomes["matched"], (label, why)
        # One audit entry per charge the import paid (each charge is paid at most once per file here).
        assert statement["audits_per_charge"] == dict.fromkeys(statement["charges_paid"], 1), (label, why)
        assert set(statement["charges_paid"].values()) <= {1}, (label, why)
    first = result["imports"][0]
    assert first["outcomes"]["matched"] > 0 and first["outcomes"]["duplicate"] > 0, why


def test_outbox_delivery_survives_the_worker_killed(portal):
    """~200 emails to a local SMTP server; the worker killed mid-delivery: every email arrives, and at most one
    per kill arrives twice (the one in flight between the server's 250 and the commit marking it sent)."""
    from gradadmit.outbox.tests.smtp_server import ScriptedSMTPServer

    server = ScriptedSMTPServer().start()
    env = {**portal.env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(server.port), "EMAIL_USE_TLS": "0",
           "GRADADMIT_EMAIL_LEASE_SECONDS": "1", "GRADADMIT_EMAIL_RATE_PER_MINUTE": "6000"}  # fmt: skip
    # 100 emails a second at most: a round (a kill at most 0.3 s after an email) sends a few dozen, so on a fast,
    # quiet machine too the four kills all land mid-delivery (at 200 a second every email went out by the fourth).
    kills = max(3, ROUNDS // 5)
    try:
        portal.script("emails", 200, env=env)
        for number in range(kills):
            if number % 2:
                portal.worker_id = f"w-outbox-{number}"
            sent_before = len(server.handler.delivered)
            process = portal.start_worker(portal.worker_id, env=env)
            portal.wait(lambda before=sent_before: len(server.handler.delivered) > before, 60,
                        "an email delivered", process)  # fmt: skip
            delay = portal.rng.uniform(0, 0.3)
            time.sleep(delay)
            portal.kill(process)
            left = portal.sql("SELECT COUNT(*) FROM outbox_email WHERE status != 'sent'")[0][0]
            portal.log.append(f"outbox {number}: {portal.worker_id} killed {delay:.2f} s after an email, {left} left")
            assert left, (
                f"every email went out before kill {number}: nothing was killed mid-delivery; {portal.context()}"
            )
        # Then a worker until the outbox is empty: what the dead ones held comes back when the email lease ends.
        process = portal.start_worker(portal.worker_id, env=env)
        try:
            deadline = time.monotonic() + 90
            while portal.sql("SELECT COUNT(*) FROM outbox_email WHERE status != 'sent'")[0][0]:
                assert time.monotonic() < deadline, f"emails left unsent; {portal.context()}"
                if not portal.tasks("outbox", "READY", "RUNNING"):
                    time.sleep(LEASE + 0.5)  # past the email lease, then ask for a delivery (as the schedule would)
                    portal.script("deliver", env=env)
                time.sleep(0.1)
        finally:
            portal.stop(process)
    finally:
        server.stop()
    why = portal.context()
    state = portal.script("check", env=env)["emails"]
    assert state["statuses"] == {"sent": 200}, (state["statuses"], why)
    ours = set(state["message_ids"])
    received = Counter(
        message_id
        for envelope in server.handler.delivered
        if (message_id := email.message_from_bytes(envelope.content)["Message-ID"]) in ours
    )
    assert set(received) == ours, (f"{len(ours - set(received))} emails never arrived", why)
    twice = sum(count - 1 for count in received.values())
    assert twice <= kills, (f"{twice} emails delivered more than once in {kills} kills", received.most_common(5), why)
