"""The two setups of the deadline-night benchmark, each started (and stopped) by the benchmark itself.

    with SqliteSetup() as setup:     # SQLite, local files, one app server and one worker, as `make run` starts them
    with ProductionSetup() as setup: # PostgreSQL, Redis, S3-compatible storage (moto's server), two app servers,
                                     # one worker
        setup.manage("load_demo", ...); setup.hosts -> ["http://127.0.0.1:PORT", ...]

App servers are gunicorn with scripts/serve.sh's command line (gthread, WEB_WORKERS x WEB_THREADS), the worker is
`manage.py run_worker` as serve.sh runs it. Every process is started in its own process group and stopped by its
id at exit (SIGTERM, then SIGKILL of that group). The production setup uses its own PostgreSQL database
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/gradadmit_load, dropped and created again), its own
redis-server on a free port (nothing else shares it) and its own moto server; all of them are gone afterwards.
Both trust one proxy hop (GRADADMIT_TRUSTED_PROXY_COUNT=1), as behind a load balancer: the simulated people send
their own address in X-Forwarded-For, so the per-address sign-in limit applies to each of them, not to the bench.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import harness

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/gradadmit_load")
WORKER_ID = "bench-deadline-worker-1"


class SetupUnavailable(RuntimeError):
    """A service the setup needs is not there (no PostgreSQL answering, no redis-server): the reason, for the log."""


class Setup:
    name = ""
    description = ""
    app_servers = 1

    def __init__(self):
        self.keep = os.environ.get("BENCH_KEEP") == "1"
        self.data_dir: Path | None = None
        self.env: dict[str, str] = {}
        self.ports: list[int] = []
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self._logs = []

    @property
    def hosts(self) -> list[str]:
        return [f"http://{harness.HOST}:{port}" for port in self.ports]

    def __enter__(self):
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"gradadmit-deadline-{self.name}-"))
        self.env = harness.bench_env(self.data_dir)
        self.env.update(GRADADMIT_TRUSTED_PROXY_COUNT="1")
        try:
            self.start_services()
            started = time.monotonic()
            self.manage("migrate", "--noinput", "-v0", timeout=300)
            self.manage("collectstatic", "--noinput", "-v0")
            self.manage("prepare_pdf_fonts")  # as `make run`: otherwise the first PDF of each process builds it
            harness.log(f"{self.name}: migrate + collectstatic + PDF fonts {time.monotonic() - started:.1f} s")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for label, process in reversed(self.processes):
            _stop(process, label)
        self.processes.clear()
        for handle in self._logs:
            handle.close()
        self.stop_services()
        if self.data_dir is not None and not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def start_services(self) -> None:
        pass

    def stop_services(self) -> None:
        pass

    def manage(self, *args: str, timeout: float = 600.0) -> subprocess.CompletedProcess:
        completed = subprocess.run([harness.PYTHON, "manage.py", *args], cwd=harness.REPO, env=self.env,
                                   capture_output=True, text=True, timeout=timeout)  # fmt: skip
        if completed.returncode != 0:
            raise harness.ServerError(f"manage.py {' '.join(args)}:\n{completed.stdout}{completed.stderr}")
        return completed

    def python(self, script: str, timeout: float = 600.0) -> subprocess.CompletedProcess:
        completed = subprocess.run([harness.PYTHON, script], cwd=harness.REPO, env=self.env, capture_output=True,
                                   text=True, timeout=timeout)  # fmt: skip
        if completed.returncode != 0:
            raise harness.ServerError(f"{script}:\n{completed.stdout}{completed.stderr}")
        return completed

    # the app servers and the worker --------------------------------------------------------------------------

    def start_app(self) -> None:
        for number in range(1, self.app_servers + 1):
            port = harness.free_port()
            self.ports.append(port)
            self._spawn(f"app server {number}", [
                harness.GUNICORN, "gradadmit.wsgi", "--pythonpath", "src", "--worker-class", "gthread",
                "--workers", str(harness.WEB_WORKERS), "--threads", str(harness.WEB_THREADS),
                "--keep-alive", str(harness.WEB_KEEPALIVE),
                "--bind", f"{harness.HOST}:{port}", "--access-logfile", "-",
                "--logger-class", "gradadmit.core.logging.RedactingAccessLogger",
                "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(M)sms',
            ])  # fmt: skip
        self._spawn("worker", [harness.PYTHON, "manage.py", "run_worker", "--queue-name", "default",
                               "--worker-id", WORKER_ID, "--no-reload"])  # fmt: skip
        for host in self.hosts:
            _wait_for(lambda host=host: _healthy(host), f"{host}/healthz", self)
        harness.log(
            f"{self.name}: {self.app_servers} app server(s) (gunicorn gthread {harness.WEB_WORKERS} workers x "
            f"{harness.WEB_THREADS} threads) on {', '.join(self.hosts)}, 1 worker; {self.description}"
        )

    def _spawn(self, label: str, command: list[str]) -> subprocess.Popen:
        log_file = open(self.data_dir / f"{label.replace(' ', '-')}.log", "ab")  # noqa: SIM115 (closed at exit)
        self._logs.append(log_file)
        process = subprocess.Popen(command, cwd=harness.REPO, env=self.env, stdin=subprocess.DEVNULL,
                                   stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.processes.append((label, process))
        return process

    def log_tail(self, label: str, lines: int = 20) -> str:
        path = self.data_dir / f"{label.replace(' ', '-')}.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def accounting(self) -> dict:
        """What the load driver measures the CPU time of: app servers, worker, and services run here (by pid), and
        the database's backends (by database name). S3 stands for a storage service outside the app's machines."""
        groups: dict[str, list[int]] = {}
        for label, process in self.processes:
            group = "app" if label.startswith("app server") else label
            groups.setdefault(group, []).append(process.pid)
        return {"processes": groups, "database": getattr(self, "database", None)}

    def check_processes(self) -> None:
        for label, process in self.processes:
            if process.poll() is not None:
                raise harness.ServerError(f"{label} exited ({process.returncode}):\n{self.log_tail(label)}")


class SqliteSetup(Setup):
    name = "sqlite"
    description = "SQLite (WAL), local files, the file cache in the data directory and its cached sessions"


class ProductionSetup(Setup):
    name = "postgres"
    description = "PostgreSQL, Redis (cache, sessions, rate limits), S3-compatible storage (moto server)"
    app_servers = 2

    def __init__(self):
        super().__init__()
        self.database_url = POSTGRES_URL
        self.admin_url = _with_database(POSTGRES_URL, "postgres")
        self.database = urlsplit(POSTGRES_URL).path.lstrip("/")

    def start_services(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{self.database}"')
        except psycopg.OperationalError as error:
            raise SetupUnavailable(f"PostgreSQL not reachable at {self.admin_url}: {error}".strip()) from error
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise SetupUnavailable("redis-server is not installed (scripts/system_deps.sh --test installs it)")
        redis_port = harness.free_port()
        self._spawn("redis", [redis_server, "--bind", harness.HOST, "--port", str(redis_port), "--save", "",
                              "--appendonly", "no"])  # fmt: skip
        s3_port = harness.free_port()
        self._spawn("s3", [str(Path(harness.PYTHON).parent / "moto_server"), "-H", harness.HOST, "-p", str(s3_port)])
        endpoint = f"http://{harness.HOST}:{s3_port}"
        _wait_for(lambda: _create_bucket(endpoint), "the S3 bucket", self)
        self.env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://{harness.HOST}:{redis_port}/0",
            GRADADMIT_S3_BUCKET="gradadmit-files",
            GRADADMIT_S3_ENDPOINT_URL=endpoint,
            GRADADMIT_S3_REGION="us-east-1",
            GRADADMIT_S3_ACCESS_KEY="bench",
            GRADADMIT_S3_SECRET_KEY="bench",
        )

    def stop_services(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except psycopg.OperationalError:
            pass  # it was never created


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _create_bucket(endpoint: str) -> bool:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="bench", aws_secret_access_key="bench",
                      region_name="us-east-1")  # fmt: skip
    try:
        s3.create_bucket(Bucket="gradadmit-files")
    except Exception:
        return False
    return True


def _healthy(host: str) -> bool:
    import http.client

    port = int(host.rsplit(":", 1)[1])
    try:
        connection = http.client.HTTPConnection(harness.HOST, port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
    except OSError:
        return False
    return ok


def _wait_for(check, what: str, setup: Setup, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        setup.check_processes()
        if check():
            return
        time.sleep(0.2)
    raise harness.ServerError(f"{what} did not answer within {timeout:g} s")


def _stop(process: subprocess.Popen, label: str) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this setup started for it, and nothing else
        process.wait(timeout=5)
