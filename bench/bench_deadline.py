"""Deadline night: the whole applicant mix under a rising load, on the default setup and on a production-like one.

For each setup (bench/deadline_setups.py starts it: SQLite + one app server + one worker as `make run` does, then
PostgreSQL + Redis + S3-compatible storage + two app servers + one worker):
1. seed: the demo generator (`manage.py load_demo --applicants N --seed S`, through the services) and
   bench/seed_deadline.py (which reads what the load test needs and adds recommenders with letters to write);
2. the /healthz rate: the harness's loader on every app server at once (the most the setup answers at all),
   read before the climb, between every two steps (the users held back meanwhile) and after the climb;
3. the scenario (bench/deadline_locust.py: applicants, recommenders and staff with think times, Locust headless in
   its own process) at rising user counts; each step settles, then is measured; the run stops at the first step
   with a failure or a p95 over BENCH_DEADLINE_STOP_P95_MS (2,000 ms: the plot goes past the target); once a step
   has broken the p95 target above one that held it, steps halfway between the two are measured too (bisection,
   BENCH_DEADLINE_REFINE times): the climb's steps are 15 % apart, so without them the held step could lie up to
   15 % below the rate that holds;
4. the sustainable rate: the highest measured request rate of a step that held p95 < 500 ms without failures;
   printed per CPU core (everything, the load generator included, shares this machine's cores), and plotted
   (reports/deadline_<setup>.svg: p50/p95/p99 against the rate). Raw figures: reports/deadline_<setup>.json.
BENCH deadline_<setup>: sustainable rate / /healthz rate on the same setup (target >= 0.1), the reference being the
mean of the readings right before and right after the held step: these shared machines change speed within minutes
(/healthz 412 and then 1,616 req/s around one climb; a page's CPU 8.8 and then 14.3 ms in two runs in a row), so
readings taken at the ends of a 10-minute climb can belong to another speed than the step.
The CPU time the setup's processes (app servers, worker, the database's backends, Redis, the S3 stand-in) used in
each step is measured too: CPU milliseconds per request is the figure a capacity plan can scale from, since it hardly
depends on what else the machine runs (the rates do).

Environment: BENCH_DEADLINE_SETUPS (sqlite,postgres), BENCH_DEADLINE_APPLICANTS (60), BENCH_DEADLINE_SEED (2026),
BENCH_DEADLINE_USERS (the steps: 4,8,14,22,32,45,60,80,100,130,170,220,260,300,340,390,450,520,600,700,800,920,1050,1200;
about 15 % apart from 220 up, so the knee is found within a step; the run stops at it, so a fast machine climbs
further than a slow one), BENCH_DEADLINE_STEP_SECONDS (20),
BENCH_DEADLINE_SETTLE_SECONDS (6), BENCH_DEADLINE_WARMUP_SECONDS (15, before the first step),
BENCH_DEADLINE_SPAWN_RATE (new users a second: 10), BENCH_DEADLINE_THINK (think time range in seconds: 1,5),
BENCH_DEADLINE_HEALTHZ_SECONDS (8, before and after the climb), BENCH_DEADLINE_HEALTHZ_STEP_SECONDS (5, between
steps), BENCH_DEADLINE_STOP_P95_MS (2000), BENCH_DEADLINE_REFINE (2: steps measured halfway between the highest
user count that held the p95 target and the lowest that broke it, each halving the step's 15 %; 0: the climb only),
BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/gradadmit_load).
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlsplit

import harness
from deadline_setups import ProductionSetup, SetupUnavailable, SqliteSetup
from step_plan import holds
from svgplot import line_chart

NAME = "deadline"
TARGET = 0.1
P95_LIMIT_MS = 500
HEALTHZ_SETTLE_SECONDS = 5  # after os.sync(), before /healthz is read
SETUPS = {"sqlite": SqliteSetup, "postgres": ProductionSetup}


def _env_list(name: str, default: str, kind=float) -> list:
    return [kind(part) for part in os.environ.get(name, default).split(",") if part.strip()]


def settings_from_env() -> dict:
    return {
        "setups": [name.strip() for name in os.environ.get("BENCH_DEADLINE_SETUPS", "sqlite,postgres").split(",")],
        "applicants": int(os.environ.get("BENCH_DEADLINE_APPLICANTS", "60")),
        "seed": int(os.environ.get("BENCH_DEADLINE_SEED", "2026")),
        "steps": _env_list(
            "BENCH_DEADLINE_USERS",
            "4,8,14,22,32,45,60,80,100,130,170,220,260,300,340,390,450,520,600,700,800,920,1050,1200",
            int,
        ),
        "step_seconds": float(os.environ.get("BENCH_DEADLINE_STEP_SECONDS", "20")),
        "settle_seconds": float(os.environ.get("BENCH_DEADLINE_SETTLE_SECONDS", "6")),
        "spawn_rate": float(os.environ.get("BENCH_DEADLINE_SPAWN_RATE", "10")),
        "warmup_seconds": float(os.environ.get("BENCH_DEADLINE_WARMUP_SECONDS", "15")),
        "think": _env_list("BENCH_DEADLINE_THINK", "1,5"),
        "healthz_seconds": float(os.environ.get("BENCH_DEADLINE_HEALTHZ_SECONDS", "8")),
        "healthz_step_seconds": float(os.environ.get("BENCH_DEADLINE_HEALTHZ_STEP_SECONDS", "5")),
        "refine": int(os.environ.get("BENCH_DEADLINE_REFINE", "2")),
    }


def run() -> int:
    config = settings_from_env()
    unknown = [name for name in config["setups"] if name not in SETUPS]
    if unknown:
        raise ValueError(f"BENCH_DEADLINE_SETUPS: unknown setup(s) {unknown}; known: {', '.join(SETUPS)}")
    commit = _git("rev-parse", "--short", "HEAD") + (
        "+changes" if _git("status", "--porcelain", "--", "src", "bench", "scripts") else ""
    )
    harness.log(f"deadline: commit {commit}, {harness.machine_load()}, settings {json.dumps(config)}")
    for name in config["setups"]:
        try:
            result = run_setup(SETUPS[name](), config, commit)
        except SetupUnavailable as reason:
            harness.log(f"{name}: not run: {reason}")
            print(f"BENCH {NAME}_{name}: ratio 0.00 (target >= {TARGET:g}) FAIL", flush=True)
            continue
        verdict = "PASS" if result["ratio"] >= TARGET else "FAIL"
        print(f"BENCH {NAME}_{name}: ratio {result['ratio']:.3f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0


def run_setup(setup, config: dict, commit: str) -> dict:
    started = datetime.now(UTC)
    with setup:
        began = time.monotonic()
        setup.manage("load_demo", "--applicants", str(config["applicants"]), "--seed", str(config["seed"]))
        seed = json.loads(setup.python("bench/seed_deadline.py").stdout.strip().splitlines()[-1])
        harness.log(
            f"{setup.name}: seeded {config['applicants']} demo applicants (seed {config['seed']}) in "
            f"{time.monotonic() - began:.0f} s: {len(seed['applicants'])} with active applications, "
            f"{len(seed['letters'])} letters to write; one password check ({seed.get('password_hasher', '?')}) "
            f"{seed['password_check_ms']} ms"
        )
        setup.start_app()
        _quiet()
        healthz = healthz_rate(setup.ports, config["healthz_seconds"])
        harness.log(f"{setup.name}: /healthz {healthz.summary()}")
        spec = {**config, "hosts": setup.hosts, "seed": seed, "p95_ms": P95_LIMIT_MS, **setup.accounting()}
        spec["stop_p95_ms"] = float(os.environ.get("BENCH_DEADLINE_STOP_P95_MS", str(4 * P95_LIMIT_MS)))
        spec_path = setup.data_dir / "locust-spec.json"
        result_path = setup.data_dir / "locust-result.json"
        spec_path.write_text(json.dumps(spec))
        harness.log(f"{setup.name}: load: {harness.machine_load()}")
        load_before = os.getloadavg()
        ramp = max(config["steps"]) / config["spawn_rate"]
        per_step = config["step_seconds"] + config["settle_seconds"] + config["healthz_step_seconds"] + 45
        timeout = (len(config["steps"]) + config["refine"]) * per_step + ramp + 240
        subprocess.run([harness.PYTHON, "bench/deadline_locust.py", str(spec_path), str(result_path)],
                       cwd=harness.REPO, env=setup.env, timeout=timeout, check=True)  # fmt: skip
        steps = json.loads(result_path.read_text())["steps"]
        load_after = os.getloadavg()
        setup.check_processes()  # every server and the worker lived through it
        _quiet()  # the last step's requests drain and its uploads reach the disk
        healthz_after = healthz_rate(setup.ports, config["healthz_seconds"])
        harness.log(f"{setup.name}: /healthz after the climb {healthz_after.summary()}")
        held = [s for s in steps if holds(s, P95_LIMIT_MS)]
        best = max(held, key=lambda s: s["rate"], default=None)
        sustainable = best["rate"] if best else 0.0
        # The reference is /healthz read right before and right after the held step (deadline_locust.py), not at
        # the ends of the climb: the machine's speed changes within minutes.
        reference = sum(best["healthz_rps"]) / 2 if best else (healthz.rps + healthz_after.rps) / 2
        cpus = os.cpu_count() or 1
        ratio = sustainable / reference if reference else 0.0
        _log_details(setup.name, steps)
        cost = cpu_cost(steps)
        harness.log(
            f"{setup.name}: CPU per request over all steps (ms): "
            + ", ".join(f"{group} {ms:.1f}" for group, ms in cost.items())
            + f"; app + worker + database: {_server_ms(cost):.1f} ms = "
            f"{1000 / _server_ms(cost) if _server_ms(cost) else 0:.1f} requests per busy core-second"
        )
        harness.log(
            f"{setup.name}: sustainable {sustainable:.1f} req/s with p95 < {P95_LIMIT_MS} ms and no failures = "
            f"{sustainable / cpus:.1f} req/s per CPU core ({cpus} cores, load generator included); /healthz "
            f"{reference:.0f} req/s around that step (before the climb {healthz.rps:.0f}, after it "
            f"{healthz_after.rps:.0f}); ratio {ratio:.3f}; after: {harness.machine_load()}"
        )
    record = {
        "setup": setup.name,
        "description": setup.description,
        "app_servers": setup.app_servers,
        "started": started.isoformat(timespec="seconds"),
        "commit": commit,
        "command": "make bench NAME=deadline",
        "config": config,
        "cpus": cpus,
        "healthz_rps": round(reference, 1),  # around the held step
        "healthz_rps_before_after": [round(healthz.rps, 1), round(healthz_after.rps, 1)],  # of the whole climb
        "password_check_ms": seed["password_check_ms"],
        "password_hasher": seed.get("password_hasher"),
        "load_average": {"before": [round(v, 2) for v in load_before], "after": [round(v, 2) for v in load_after]},
        "sustainable_rps": sustainable,
        "per_core_rps": round(sustainable / cpus, 2),
        "ratio": round(ratio, 4),
        "cpu_ms_per_request": cost,
        "steps": steps,
    }
    _write_reports(record)
    return record


def cpu_cost(steps: list[dict]) -> dict[str, float]:
    """CPU milliseconds per request of each process group, pooled over the steps (the driver measures them)."""
    requests = sum(step["requests"] for step in steps)
    groups = {group for step in steps for group in step.get("cpu_seconds", {})}
    used = {group: sum(step.get("cpu_seconds", {}).get(group, 0.0) for step in steps) for group in sorted(groups)}
    return {group: round(seconds * 1000 / requests, 1) if requests else 0.0 for group, seconds in used.items()}


def _server_ms(cost: dict[str, float]) -> float:
    """What the portal's own machines spend on a request: app servers, worker, database (not Redis, not S3)."""
    return sum(cost.get(group, 0.0) for group in ("app", "worker", "database"))


def _quiet() -> None:
    """Before /healthz is read: the files written so far (the seed, a climb's uploads) are flushed to the disk, which
    would otherwise take CPU from the reading (the kernel writes back gigabytes after a climb), and requests drain."""
    os.sync()
    time.sleep(HEALTHZ_SETTLE_SECONDS)


def healthz_rate(ports: list[int], seconds: float) -> harness.LoadResult:
    """/healthz on every app server at once, with the harness's loader; the rates add up."""
    with ThreadPoolExecutor(len(ports)) as pool:
        results = list(pool.map(lambda port: harness.load(port, "/healthz", connections=harness.CONNECTIONS,
                                                            requests=10**6, duration=seconds), ports))  # fmt: skip
    total = harness.LoadResult(label="/healthz", loader=results[0].loader, connections=results[0].connections)
    for result in results:
        total.requests += result.requests
        total.bad_status += result.bad_status
        total.errors += result.errors
        total.latency_ms.extend(result.latency_ms)
    total.elapsed = max(result.elapsed for result in results)
    return total


def _log_details(name: str, steps: list[dict]) -> None:
    last = max(steps, key=lambda s: s["users"], default=None)  # the highest load (refinements lie below it)
    if last is None:
        return
    harness.log(f"{name}: highest step ({last['users']} users), by request:")
    for request, figures in sorted(last["by_name"].items(), key=lambda item: -item[1]["p95"]):
        harness.log(
            f"  {request:<40} {figures['requests']:6d} req  p50 {figures['p50']:6.0f}  p95 {figures['p95']:6.0f}"
            f"  p99 {figures['p99']:6.0f} ms  failures {figures['failures']}"
        )
    for message, count in last["errors"].items():
        harness.log(f"  failure x{count}: {message}")


def _write_reports(record: dict) -> None:
    reports = harness.REPO / "reports"
    reports.mkdir(exist_ok=True)
    name = record["setup"]
    (reports / f"deadline_{name}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    steps = sorted(record["steps"], key=lambda s: s["users"])  # refinements were measured after higher steps
    series = {
        label: [(s["rate"], s[key]) for s in steps if s["requests"]]
        for label, key in (("p50", "p50"), ("p95", "p95"), ("p99", "p99"))
    }
    title = (f"Deadline night, {name}: latency against load ({record['started'][:16]}Z, "
             f"{record['commit']})")  # fmt: skip
    svg = line_chart(title=title, x_label="requests per second (measured, all users)", y_label="latency (ms)",
                     series=series, limit=P95_LIMIT_MS)  # fmt: skip
    (reports / f"deadline_{name}.svg").write_text(svg)
    harness.log(f"{name}: wrote reports/deadline_{name}.svg and reports/deadline_{name}.json")


def _git(*args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=harness.REPO, capture_output=True, text=True)
    return completed.stdout.strip() if completed.returncode == 0 else "unknown"


def healthz_reading(seconds: float, hosts: list[str]) -> float:
    """One /healthz reading between two steps (`bench_deadline.py --healthz SECONDS URL...`, run by the step driver
    while its users wait): written files flushed, a pause, then every app server at once."""
    _quiet()
    return healthz_rate([urlsplit(host).port for host in hosts], seconds).rps


if __name__ == "__main__":
    if sys.argv[1:2] == ["--healthz"]:
        print(f"{healthz_reading(float(sys.argv[2]), sys.argv[3:]):.1f}")
        sys.exit(0)
    sys.exit(run())
