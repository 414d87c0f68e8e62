"""Online brochure forms: rendering a filled 附件二 (學經歷表) against rendering an admission ticket (准考證).

One throw-away data directory (migrated SQLite, prepared PDF fonts); bench/ticket_worker.py seeds a programme with
one qualified application, its photo, exam number and interview slot (the tickets benchmark's own seeding). Then
bench/forms_worker.py, in a fresh process, renders the first ticket (exams.tickets.render_ticket) and a filled 附件二
of the same application (documents.online_forms.render_form: three degrees, three jobs, three examinations, five
publications, strengths) through the same renderer (gradadmit.core.pdf), after a warm-up, RENDERS times each,
alternately. ratio = form rate / ticket rate = median ticket time / median form time, target >= 0.5.
Environment: BENCH_FORMS_RENDERS (12).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness

NAME = "forms"
TARGET = 0.5
RENDERS = int(os.environ.get("BENCH_FORMS_RENDERS", "12"))


def worker(env: dict, script: str, *args: str) -> dict:
    completed = subprocess.run(
        [harness.PYTHON, script, *args], cwd=harness.REPO, env=env, capture_output=True, text=True, timeout=900
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{script} {args} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-forms-"))
    env = harness.bench_env(data_dir)
    try:
        started = time.perf_counter()
        for command in (["migrate", "--noinput", "-v0"], ["prepare_pdf_fonts"]):
            done = subprocess.run(
                [harness.PYTHON, "manage.py", *command], cwd=harness.REPO, env=env, capture_output=True, text=True
            )
            if done.returncode != 0 and command[0] == "migrate":
                raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        seeded = worker(env, "bench/ticket_worker.py", "seed", "1")
        program = next(iter(seeded["programs"].values()))
        harness.log(f"setup: {time.perf_counter() - started:.1f} s; {harness.machine_load()}")
        result = worker(env, "bench/forms_worker.py", str(program), str(RENDERS))
        for name, label in (("ticket", "admission ticket"), ("form_2", "filled 附件二")):
            harness.log(
                f"{label:<17}: {result['renders']} renders, median {result['median'][name]:.3f} s, min "
                f"{result['min'][name]:.3f} s, max {result['max'][name]:.3f} s, {result['pages'][name]} page(s), "
                f"PDF {result['sizes'][name] / 1024:.0f} KB"
            )
        harness.log(f"after: {harness.machine_load()}")
    finally:
        if keep:
            harness.log(f"kept {data_dir} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    ratio = result["median"]["ticket"] / result["median"]["form_2"]
    harness.log(
        f"ratio = ticket {result['median']['ticket']:.3f} s / 附件二 {result['median']['form_2']:.3f} s = {ratio:.2f}"
    )
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {'PASS' if ratio >= TARGET else 'FAIL'}", flush=True)
    return 0
