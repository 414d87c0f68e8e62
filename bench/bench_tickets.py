"""Admission tickets (准考證): (a) one Chinese ticket against the same ticket in Latin text only; (b) the ticket batch.

One throw-away data directory (migrated SQLite, prepared PDF fonts), seeded by bench/ticket_worker.py: two
programmes of SMALL and LARGE qualified applications, each with a photo, exam numbers and interview slots from the
app's services. Every measurement runs in a fresh process (bench/ticket_worker.py):

(a) single: the first ticket of the small programme through gradadmit.core.pdf.render_pdf, Chinese
    (exams.tickets.render_ticket: templates/exams/ticket.html in zh-hant) against Latin-only (the same template and
    renderer, every name, label and room in English, language "en"; the Han count of both HTMLs is printed), after
    a warm-up, RENDERS renders each, alternately. ratio (a) = median Latin time / median Chinese time, target >= 0.3.
(b) batch: exams.tasks.build_ticket_batch for each programme (the zip of every ticket PDF, written as it goes), in a
    process that has rendered one warm-up page; LARGE first. ratio (b) = peak RSS (VmHWM) SMALL / LARGE, target
    >= 0.8 (LARGE at most 25 % more than SMALL). Every ticket must be in the zip.

The BENCH line: ratio = min(ratio (a) / 0.3, ratio (b) / 0.8), target >= 1 (both within their targets).
LARGE is 600, not 1,000, by default: at ~0.15-0.3 s a ticket on this 2-core machine (shared with other work),
1,000 tickets alone take 150-300 s; BENCH_TICKETS_LARGE=1000 measures the full size.
Environment: BENCH_TICKETS_SMALL (200), BENCH_TICKETS_LARGE (600), BENCH_TICKETS_RENDERS (10).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness

NAME = "tickets"
SINGLE_TARGET = 0.3
MEMORY_TARGET = 0.8
SMALL = int(os.environ.get("BENCH_TICKETS_SMALL", "200"))
LARGE = int(os.environ.get("BENCH_TICKETS_LARGE", "600"))
RENDERS = int(os.environ.get("BENCH_TICKETS_RENDERS", "10"))
MB = 1024 * 1024


def worker(env: dict, *args: str) -> dict:
    completed = subprocess.run(
        [harness.PYTHON, "bench/ticket_worker.py", *args],
        cwd=harness.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"ticket_worker.py {args[0]} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-tickets-"))
    env = harness.bench_env(data_dir)
    batches = {}
    try:
        started = time.perf_counter()
        for command in (["migrate", "--noinput", "-v0"], ["prepare_pdf_fonts"]):
            done = subprocess.run(
                [harness.PYTHON, "manage.py", *command], cwd=harness.REPO, env=env, capture_output=True, text=True
            )
            if done.returncode != 0 and command[0] == "migrate":
                raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        prepared = time.perf_counter() - started
        seeded = worker(env, "seed", str(SMALL), str(LARGE))
        programs = {int(size): pk for size, pk in seeded["programs"].items()}
        harness.log(
            f"setup: migrate + prepare_pdf_fonts {prepared:.1f} s; seed {SMALL} + {LARGE} qualified applications with "
            f"photos, exam numbers and slots in {seeded['seconds']:.1f} s; {harness.machine_load()}"
        )
        single = worker(env, "single", str(programs[SMALL]), str(RENDERS))
        harness.log(
            f"(a) first Chinese render in the process {single['first_seconds']:.2f} s; Han characters in the HTML: "
            f"Chinese {single['han']['chinese']}, Latin {single['han']['latin']}"
        )
        for name in ("latin", "chinese"):
            harness.log(
                f"(a) {name:<7} ticket: {single['renders']} renders, median {single['median'][name]:.3f} s, min "
                f"{single['min'][name]:.3f} s, max {single['max'][name]:.3f} s, PDF {single['sizes'][name] / 1024:.0f} KB"
            )
        for size in (LARGE, SMALL):
            result = worker(env, "batch", str(programs[size]))
            batches[size] = result
            harness.log(
                f"(b) batch {size:5d}: {result['seconds']:6.1f} s ({result['seconds'] / size:.3f} s/ticket), status "
                f"{result['status']}, {result['tickets']} PDFs in the zip (done {result['done']}/{result['total']}), "
                f"zip {result['zip_size'] / MB:.1f} MB; RSS before {result['baseline_kb'] / 1024:.1f} MB, peak "
                f"{result['peak_kb'] / 1024:.1f} MB (growth {(result['peak_kb'] - result['baseline_kb']) / 1024:.1f} "
                f"MB), RSS after {result['rss_after_kb'] / 1024:.1f} MB"
            )
        harness.log(f"after: {harness.machine_load()}")
    finally:
        if keep:
            harness.log(f"kept {data_dir} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    ratio_a = single["median"]["latin"] / single["median"]["chinese"]
    small, large = batches[SMALL], batches[LARGE]
    ratio_b = small["peak_kb"] / large["peak_kb"]
    growth = (large["peak_kb"] - large["baseline_kb"]) - (small["peak_kb"] - small["baseline_kb"])
    harness.log(
        f"(a) ratio = Latin {single['median']['latin']:.3f} s / Chinese {single['median']['chinese']:.3f} s = "
        f"{ratio_a:.2f} (target >= {SINGLE_TARGET:g}) {'PASS' if ratio_a >= SINGLE_TARGET else 'FAIL'}"
    )
    harness.log(
        f"(b) ratio = peak {SMALL} {small['peak_kb'] / 1024:.1f} MB / peak {LARGE} {large['peak_kb'] / 1024:.1f} MB "
        f"= {ratio_b:.2f} (target >= {MEMORY_TARGET:g}) {'PASS' if ratio_b >= MEMORY_TARGET else 'FAIL'}; "
        f"{growth / (LARGE - SMALL):.1f} KB more growth per extra ticket"
    )
    complete = all(batches[size]["tickets"] == size and batches[size]["status"] == "done" for size in batches)
    if not complete:
        harness.log("FAIL: a batch did not finish with every ticket in its zip")
    ratio = min(ratio_a / SINGLE_TARGET, ratio_b / MEMORY_TARGET)
    harness.log(f"ratio = min({ratio_a:.2f} / {SINGLE_TARGET:g}, {ratio_b:.2f} / {MEMORY_TARGET:g}) = {ratio:.2f}")
    verdict = "PASS" if complete and ratio >= 1 else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= 1) {verdict}", flush=True)
    return 0
