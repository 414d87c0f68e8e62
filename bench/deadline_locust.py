"""The deadline-night scenario for Locust, and the step driver that runs it headless (Locust's Python API).

    python bench/deadline_locust.py SPEC.json RESULT.json      (started by bench_deadline.py, in its own process:
                                                                Locust's gevent patches the whole interpreter)

SPEC: {"hosts": [base URLs], "seed": <bench/seed_deadline.py's JSON>, "steps": [users, ...], "step_seconds": s,
"settle_seconds": s, "warmup_seconds": s, "spawn_rate": users/s, "think": [min, max], "p95_ms": 500,
"stop_p95_ms": 2000, "healthz_step_seconds": s}. Each step brings the users up to its count (spawn_rate new users a
second, each signing in), lets them settle, then measures `step_seconds`; then the users are held back while /healthz
is read (`bench_deadline.py --healthz`; once before the first step too) and come back after a think time. Once a
step breaks the p95 target above one that held it, up to "refine" steps (BENCH_DEADLINE_REFINE) are measured halfway
between the two (StepPlan). The climb stops after the first step with a failure or a p95 over
stop_p95_ms (past the target, so the plot shows how latency grows beyond it). RESULT: per step the users, the
measured request rate, the percentiles and failures, overall and per request name, and the CPU time used.

The mix (weights are per user class and per task; the reasoning is with each):
- Applicants (ApplicantUser, weight 90): on the last night almost everyone on the site is an applicant finishing an
  application. Each signs in (a real sign-in: the password hash is a large part of its cost), then moves between
  pages with think times. The dashboard (考生專區) is the hub every journey returns to (weight 30); the application
  page (15) and the documents page (15) are where the work is; uploads of 1-5 MB PDFs (8, the heaviest request:
  the file crosses the network, is checked by pikepdf and stored) come after looking at the items; the fee page
  (8) is checked by everyone who has not paid, the slip PDF (2, rendered by WeasyPrint) printed once or twice;
  programme pages (10) and the cycle page (3) are re-read for requirements; recommenders are looked at (6) and
  invited (2: late, but some always are); a few sign out and in again (3).
- Recommenders (RecommenderUser, weight 6): about one letter in three arrives on the last day; a recommender opens
  the emailed link (5), then accepts and uploads a letter of 1-3 MB (1). A link whose letter is in opens the
  thank-you page; when no unwritten letter is left, recommenders only open links.
- Staff (StaffUser, weight 4): the office watches the night: the review queue (5), the cycle overview (2), the
  office home (1), an applicant search (1).
Think times are scaled down (1-5 s by default, BENCH_DEADLINE_THINK) from the tens of seconds a person takes: what
the server sees is the request rate, and a shorter think time reaches a rate with fewer simulated users (gevent
greenlets in one process on this 2-core machine).
A form post and the page its redirect leads to are two requests, as the server sees them: the post (which must be
answered by a redirect) under its own name, the page under that page's name (an upload lands on "documents page").
"""

import contextlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
import gevent.event  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdfgen import pdf_of_size  # noqa: E402
from step_plan import StepPlan  # noqa: E402

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
MB = 1024 * 1024
DRAIN_SECONDS = 3  # before /healthz is read between steps: the requests under way finish (p95 < 500 ms when held)
SPEC: dict = {}
PDFS: dict[int, list[bytes]] = {}  # size in MB -> a few distinct clean PDFs of that size
_addresses = itertools.count(1)
_started = [0]  # users whose on_start (the sign-in) is over
_letters: list[str] = []  # links with a letter still to write, shared by the recommenders (one gevent process)
_gate = gevent.event.Event()  # open while users may send requests; closed while /healthz is read between steps
_gate.set()


def prepare(spec: dict) -> None:
    SPEC.clear()
    SPEC.update(spec)
    _letters[:] = list(spec["seed"]["letters"])
    random.Random(7).shuffle(_letters)
    for size in range(1, 6):  # 1-5 MB, three of each so consecutive uploads differ
        PDFS[size] = [pdf_of_size(size * MB - 4096) for _ in range(3)]
    for user_class in (ApplicantUser, RecommenderUser, StaffUser):
        user_class.wait_time = between(*spec["think"])


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"----gradadmit{random.getrandbits(64):016x}"
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
    )
    parts.append(content)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class PortalUser(FastHttpUser):
    """A person behind the load balancer: their own address in X-Forwarded-For (the sign-in limit is per address)."""

    abstract = True
    host = "http://127.0.0.1"
    home_name = "考生專區 /me/"  # where a sign-in lands

    def on_start(self) -> None:
        number = next(_addresses)
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.hosts = SPEC["hosts"]

    def url(self, path: str) -> str:
        return random.choice(self.hosts) + path  # each request to any app server: they share everything

    def get(self, path: str, name: str, expect: bytes | None = None, *, host: bool = True):
        _wait_for_gate()
        url = self.url(path) if host else path  # host=False: `path` is already a full URL (a redirect's target)
        with self.client.get(url, name=name, headers=self.headers(), catch_response=True) as reply:
            _check(reply, expect)
            return reply

    def post(self, path: str, name: str, *, data, then: str, content_type=None, expect: bytes | None = None):
        """A form post answered by a redirect (anything else fails), then the page it redirects to, as a request of
        its own named `then`: the server serves two requests, and the rates and percentiles count both."""
        _wait_for_gate()
        headers = self.headers()
        if content_type:
            headers["Content-Type"] = content_type
        url = self.url(path)
        with self.client.post(url, name=name, data=data, headers=headers, catch_response=True,
                              allow_redirects=False) as reply:  # fmt: skip
            location = reply.headers.get("Location") if reply.status_code == 302 else None
            if location is None:  # a form shown again with its errors, or an error status
                reply.failure(f"status {reply.status_code}, not a redirect")
                return reply
            reply.success()
        return self.get(urljoin(url, location), then, expect, host=False)

    def headers(self) -> dict[str, str]:
        # One Host for every server, as behind a load balancer (allauth keys the sign-in limit by host and email).
        return {
            "Host": "127.0.0.1",
            "X-Forwarded-For": self.address,
            "Accept": "text/html",
            "Accept-Language": "zh-hant",
        }

    def sign_in(self, email: str) -> bool:
        page = self.get("/accounts/login/", "sign-in page")
        token = _csrf(page)
        if token is None:
            return False
        data = {"csrfmiddlewaretoken": token, "login": email, "password": SPEC["seed"]["password"]}
        reply = self.post("/accounts/login/", "sign in (POST)", data=data, then=self.home_name)
        return reply.status_code == 200 and b"/accounts/logout/" in (reply.content or b"")


def _csrf(reply) -> str | None:
    match = CSRF.search(reply.content or b"")
    return match.group(1).decode() if match else None


def _check(reply, expect: bytes | None) -> None:
    """A failure: a status other than 200 after redirects, a refusal flashed on the page, or the wrong page."""
    body = reply.content or b""
    if reply.status_code != 200:
        reply.failure(f"status {reply.status_code}")
    elif b'class="flash-error"' in body:
        reply.failure("refused: " + body.split(b'class="flash-error">', 1)[1][:120].decode(errors="replace"))
    elif expect is not None and expect not in body:
        reply.failure(f"not the expected page (no {expect[:40]!r})")
    else:
        reply.success()


class ApplicantUser(PortalUser):
    weight = 90

    def on_start(self) -> None:
        super().on_start()
        self.person = random.choice(SPEC["seed"]["applicants"])
        self.apps = self.person["apps"]
        self.sign_in(self.person["email"])
        _started[0] += 1

    def app(self) -> dict:
        return random.choice(self.apps)

    @task(30)
    def dashboard(self):
        self.get("/me/", "考生專區 /me/", expect="考生專區".encode())

    @task(15)
    def application(self):
        self.get(f"/me/applications/{self.app()['id']}/", "application page")

    @task(10)
    def programme(self):
        public = SPEC["seed"]["public"]
        self.get(f"/cycles/{public['cycle']}/programs/{random.choice(public['programs'])}/", "programme page")

    @task(3)
    def cycle(self):
        self.get(f"/cycles/{SPEC['seed']['public']['cycle']}/", "cycle page")

    @task(15)
    def documents(self):
        self.get(f"/me/applications/{self.app()['id']}/documents/", "documents page")

    @task(8)
    def upload(self):
        candidates = [app for app in self.apps if app["items"]]
        if not candidates:
            return self.documents()
        app = random.choice(candidates)
        item = random.choice(app["items"])
        page = self.get(f"/me/applications/{app['id']}/documents/", "documents page")
        token = _csrf(page)
        if token is None:
            return None
        size = random.randint(1, max(1, min(5, item["max_bytes"] // MB)))
        body, content_type = multipart(
            {"csrfmiddlewaretoken": token}, "file", "document.pdf", random.choice(PDFS[size])
        )
        path = f"/me/applications/{app['id']}/documents/{item['id']}/"
        return self.post(path, "upload a PDF (1-5 MB)", data=body, content_type=content_type, then="documents page")

    @task(8)
    def fees(self):
        self.get(f"/me/applications/{self.app()['id']}/fees/", "fee page")

    @task(2)
    def slip(self):
        charged = [app for app in self.apps if app["charge"]]
        if not charged:
            return self.fees()
        app = random.choice(charged)
        with self.client.get(self.url(f"/me/applications/{app['id']}/fees/{app['charge']}/slip.pdf"),
                             name="payment slip PDF", headers=self.headers(), catch_response=True) as reply:  # fmt: skip
            if reply.status_code != 200 or not (reply.content or b"").startswith(b"%PDF"):
                reply.failure(f"status {reply.status_code}, not a PDF")
        return None

    @task(6)
    def recommenders(self):
        self.get(f"/me/applications/{self.app()['id']}/recommenders/", "recommenders page")

    @task(2)
    def invite(self):
        candidates = [app for app in self.apps if app["slots"] > 0]
        if not candidates:
            return self.recommenders()
        app = random.choice(candidates)
        # Taken before the page is fetched: several simulated people share an applicant (and their slots), and
        # another may pass the check above while this one waits for the page (the portal refuses one too many).
        app["slots"] -= 1
        page = self.get(f"/me/applications/{app['id']}/recommenders/", "recommenders page")
        token = _csrf(page)
        if token is None:
            return None
        data = {
            "csrfmiddlewaretoken": token,
            "name": "陳教授",
            "organisation": "國立成功大學",
            "title": "教授",
            "relationship": "專題指導",
            "email": f"late-{app['id']}-{random.getrandbits(40):x}@example.edu.tw",
            "phone": "06-275-7575",
        }
        path = f"/me/applications/{app['id']}/recommenders/"
        return self.post(path, "invite a recommender (POST)", data=data, then="recommenders page")

    @task(3)
    def sign_out_and_in(self):
        page = self.get("/me/", "考生專區 /me/")
        token = _csrf(page)
        if token is not None:
            data = {"csrfmiddlewaretoken": token}
            self.post("/accounts/logout/", "sign out (POST)", data=data, then="home page (signed out)")
        self.sign_in(self.person["email"])


class RecommenderUser(PortalUser):
    weight = 6

    def on_start(self) -> None:
        super().on_start()
        self.link = _letters.pop() if _letters else None
        _started[0] += 1

    def finished_link(self) -> str:
        links = SPEC["seed"]["finished_letters"] or SPEC["seed"]["letters"]
        return random.choice(links)

    @task(5)
    def open_link(self):
        self.get(self.link or self.finished_link(), "recommender link")

    @task(1)
    def upload_letter(self):
        if self.link is None:
            return self.open_link()
        link, self.link = self.link, (_letters.pop() if _letters else None)
        page = self.get(link, "recommender link")
        token = _csrf(page)
        if token is None:
            return None
        if f'action="{link}accept/"'.encode() in (page.content or b""):
            data = {"csrfmiddlewaretoken": token}
            self.post(f"{link}accept/", "recommender accepts (POST)", data=data, then="recommender link")
        body, content_type = multipart(
            {"csrfmiddlewaretoken": token}, "file", "letter.pdf", random.choice(PDFS[random.randint(1, 3)])
        )
        return self.post(
            f"{link}upload/", "upload a letter (1-3 MB)", data=body, content_type=content_type, then="recommender link"
        )


class StaffUser(PortalUser):
    weight = 4
    home_name = "office home"

    def on_start(self) -> None:
        super().on_start()
        staff = SPEC["seed"]["staff"]
        self.sign_in(staff["office"])
        _started[0] += 1

    @task(5)
    def review_queue(self):
        program = random.choice(SPEC["seed"]["staff"]["programs"])
        self.get(f"/office/programs/{program}/review/", "review queue")

    @task(2)
    def overview(self):
        self.get(f"/office/cycles/{SPEC['seed']['staff']['cycle']}/overview/", "cycle overview")

    @task(1)
    def home(self):
        self.get("/office/", "office home")

    @task(1)
    def search(self):
        self.get(f"/office/search/?q={random.choice(['王小', '林怡', 'demo-applicant', '陳建'])}", "applicant search")


# --- the driver -------------------------------------------------------------------------------------------------


def _figures(stats) -> dict:
    return {
        "requests": stats.num_requests,
        "failures": stats.num_failures,
        "p50": stats.get_response_time_percentile(0.50) or 0,
        "p95": stats.get_response_time_percentile(0.95) or 0,
        "p99": stats.get_response_time_percentile(0.99) or 0,
    }


def cpu_seconds(spec: dict) -> dict[str, float]:
    """CPU time (user + system) used so far by each group of the setup's processes (a process and its children), and
    by the PostgreSQL backends serving the setup's database: the cost of the load, whatever else the machine runs."""
    import psutil

    own = psutil.Process().cpu_times()
    totals = {"load generator": own.user + own.system}  # Locust itself: what the portal cannot have of the cores
    for group, pids in spec.get("processes", {}).items():
        total = 0.0
        for pid in pids:
            try:
                parent = psutil.Process(pid)
                for process in [parent, *parent.children(recursive=True)]:
                    times = process.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                continue
        totals[group] = total
    if spec.get("database"):  # one entry per backend: Django replaces its connections (CONN_MAX_AGE) mid-step
        for process in psutil.process_iter(["cmdline"]):
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith("postgres:") and f" {spec['database']} " in title:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    totals[f"database:{process.pid}"] = times.user + times.system
    return totals


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds used between two cpu_seconds() readings, per group (a backend gone by `after` is left out)."""
    used: dict[str, float] = {}
    for key, seconds in after.items():
        group = key.split(":", 1)[0]
        used[group] = used.get(group, 0.0) + max(0.0, seconds - before.get(key, 0.0))
    return used


def warm_up(spec: dict, per_host: int = 6) -> None:
    """Every server process renders each kind of page once before anything is measured (templates, the PDF fonts
    of the slip, connections): `per_host` applicants at once per server, on new connections, which the server's
    worker processes share out between them."""
    from http.cookiejar import CookieJar
    from urllib.parse import urlencode
    from urllib.request import HTTPCookieProcessor, Request, build_opener

    seed = spec["seed"]
    charged = [(person, app) for person in seed["applicants"] for app in person["apps"] if app["charge"]]

    def one(host: str, number: int) -> None:
        person, app = charged[number % len(charged)]
        opener = build_opener(HTTPCookieProcessor(CookieJar()))
        headers = {"Host": "127.0.0.1", "X-Forwarded-For": f"10.255.0.{number + 1}"}

        def fetch(path, data=None):
            return opener.open(Request(host + path, data=data, headers=headers), timeout=120).read()

        token = CSRF.search(fetch("/accounts/login/")).group(1).decode()
        fetch("/accounts/login/", urlencode({"csrfmiddlewaretoken": token, "login": person["email"],
                                             "password": seed["password"]}).encode())  # fmt: skip
        for path in ("/me/", f"/me/applications/{app['id']}/", f"/me/applications/{app['id']}/documents/",
                     f"/me/applications/{app['id']}/fees/", f"/me/applications/{app['id']}/fees/{app['charge']}/slip.pdf",
                     f"/me/applications/{app['id']}/recommenders/"):  # fmt: skip
            fetch(path)

    if charged:
        greenlets = [gevent.spawn(one, host, n) for host in spec["hosts"] for n in range(per_host)]
        gevent.joinall(greenlets)
        for failed in {repr(g.exception) for g in greenlets if g.exception is not None}:
            print(f"warm-up: {failed}", flush=True)  # the steps will show whatever it is as failures


def _wait_for_gate() -> None:
    """Before a request: while /healthz is read, wait; then come back after a think time of one's own, as people do
    (not all at the same instant when the gate opens)."""
    if not _gate.is_set():
        _gate.wait()
        gevent.sleep(random.uniform(*SPEC["think"]))


def healthz_between_steps(spec: dict) -> float:
    """/healthz read between two steps (req/s), the users held back meanwhile: each step's rate is compared with the
    reference read right before and right after it. This machine's speed changes within minutes (/healthz read 412
    and then 1,616 req/s around one climb), more than any change measured, so a step and the readings of its own
    minutes are the only fair pair. The requests under way finish first (DRAIN_SECONDS); bench_deadline.py flushes
    written files and reads /healthz on every app server at once, as before the climb."""
    _gate.clear()
    try:
        gevent.sleep(DRAIN_SECONDS)
        reading = subprocess.run(
            [sys.executable, str(Path(__file__).resolve().parent / "bench_deadline.py"), "--healthz",
             str(spec["healthz_step_seconds"]), *spec["hosts"]],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        return float(reading.stdout.strip().splitlines()[-1])
    finally:
        _gate.set()


def run_steps(spec: dict) -> dict:
    prepare(spec)
    started = time.monotonic()
    warm_up(spec)
    print(f"warm-up: every server rendered each page kind, {time.monotonic() - started:.0f} s", flush=True)
    env = Environment(user_classes=[ApplicantUser, RecommenderUser, StaffUser], events=events)
    runner = env.create_local_runner()
    errors: dict[str, int] = {}
    steps = []
    try:
        # Warm-up, not measured: every server process loads its templates, fonts and connections.
        runner.start(spec["steps"][0], spawn_rate=spec["spawn_rate"])
        gevent.sleep(spec["warmup_seconds"])
        running = spec["steps"][0]
        healthz_before = healthz_between_steps(spec)
        plan = StepPlan(spec["steps"], refinements=spec.get("refine", 0), p95_ms=spec["p95_ms"],
                        stop_p95_ms=spec["stop_p95_ms"])  # fmt: skip
        while (users := plan.next_users()) is not None:
            # New users arrive at spawn_rate a second and sign in (a password hash each): not measured.
            runner.start(users, spawn_rate=spec["spawn_rate"])
            gevent.sleep(max(0, users - running) / spec["spawn_rate"])
            started = time.monotonic()
            while _started[0] < users and time.monotonic() - started < 120:  # every newcomer has signed in
                gevent.sleep(0.5)
            gevent.sleep(spec["settle_seconds"])
            running = users
            env.stats.reset_all()
            cpu_before = cpu_seconds(spec)
            started = time.monotonic()
            gevent.sleep(spec["step_seconds"])
            elapsed = time.monotonic() - started
            cpu = cpu_used(cpu_before, cpu_seconds(spec))
            total = env.stats.total
            step = {"users": users, "seconds": round(elapsed, 2), **_figures(total)}
            step["rate"] = round(total.num_requests / elapsed, 2)
            step["cpu_seconds"] = {group: round(used, 2) for group, used in cpu.items()}
            step["cpu_ms_per_request"] = {
                group: round(used * 1000 / total.num_requests, 1) if total.num_requests else 0.0
                for group, used in cpu.items()
            }
            step["by_name"] = {
                f"{entry.method} {entry.name}": _figures(entry) for entry in sorted(env.stats.entries.values(), key=str)
            }
            step["errors"] = {str(error.error)[:200]: error.occurrences for error in env.stats.errors.values()}
            for message, count in step["errors"].items():
                errors[message] = errors.get(message, 0) + count
            step["load"] = os.getloadavg()[0]
            step["healthz_rps"] = [healthz_before, healthz_between_steps(spec)]  # read just before and just after
            healthz_before = step["healthz_rps"][1]
            step["refinement"] = plan.refining
            steps.append(step)
            print(
                f"step {users:4d} users{' (between two steps)' if plan.refining else ''}: {step['rate']:7.1f} req/s  p50 {step['p50']:5.0f} ms  p95 {step['p95']:5.0f} ms"
                f"  p99 {step['p99']:5.0f} ms  failures {step['failures']}  load {step['load']:.2f}  CPU ms/request "
                + ", ".join(f"{group} {ms:.0f}" for group, ms in step["cpu_ms_per_request"].items())
                + "  /healthz before and after {:.0f}, {:.0f} req/s".format(*step["healthz_rps"]),
                flush=True,
            )
            plan.measured(step)  # past the target too: the plot shows how latency grows beyond it
    finally:
        runner.quit()
    return {"steps": steps, "letters_left": len(_letters)}


if __name__ == "__main__":
    spec_path, result_path = sys.argv[1:3]
    result = run_steps(json.loads(Path(spec_path).read_text()))
    Path(result_path).write_text(json.dumps(result))
