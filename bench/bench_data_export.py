"""One applicant's data export (zip) against one review-packet build for the same applicant.

Input: one application whose current documents are BENCH_EXPORT_PARTS (8) clean PDFs of BENCH_EXPORT_PART_MB (1) MB
with 4 pages each (pdfgen: uncompressed random-byte images), plus 20 inbox messages, a paid fee and two
recommenders, in a throw-away bench data directory (migrated SQLite, its own files). Each step runs in a fresh
process that has imported everything first (a long-lived task worker has):

  export: privacy.export.write_zip (data.json, summary.html, every uploaded file) for the applicant;
  packet: documents.packets.build_application_packet (packet_worker.py build: WeasyPrint cover + every document).

Rounds alternate the two (BENCH_EXPORT_ROUNDS, 3); the median of each counts.
ratio = packet seconds / export seconds; target >= 1 (the export takes at most the packet's time). The export is
measured to decide how it runs: it is a background job (core.jobs.enqueue) because it copies every uploaded file,
as the packet build does, and a request should not hold a web worker for that long.
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import harness
import pdfgen

NAME = "data_export"
TARGET = 1.0
MB = 1024 * 1024
PARTS = int(os.environ.get("BENCH_EXPORT_PARTS", "8"))
PART_MB = float(os.environ.get("BENCH_EXPORT_PART_MB", "1"))
ROUNDS = int(os.environ.get("BENCH_EXPORT_ROUNDS", "3"))


def worker(env: dict, script: str, *args: str) -> dict:
    done = subprocess.run([harness.PYTHON, f"bench/{script}", *args], cwd=harness.REPO, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{script} {args[0]} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-"))
    env = harness.bench_env(data_dir)
    results = {"export": [], "packet": []}
    try:
        started = time.perf_counter()
        for command in (["migrate", "--noinput", "-v0"], ["prepare_pdf_fonts"]):
            done = subprocess.run([harness.PYTHON, "manage.py", *command], cwd=harness.REPO, env=env,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0 and command[0] == "migrate":
                raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        inputs = data_dir / "inputs"
        inputs.mkdir()
        files = []
        for n in range(PARTS):
            path = inputs / f"part-{n + 1:02d}.pdf"
            path.write_bytes(pdfgen.pdf_of_size(int(PART_MB * MB), pages=4))
            files.append(str(path))
        application = worker(env, "packet_worker.py", "seed", *files)["application"]
        worker(env, "data_export_worker.py", "enrich", str(application))
        harness.log(f"input: {PARTS} PDFs x {PART_MB:g} MB, 20 messages, a payment, 2 recommenders for application "
                    f"{application} (setup {time.perf_counter() - started:.1f} s); {harness.machine_load()}")  # fmt: skip
        for round_number in range(1, ROUNDS + 1):
            order = ["packet", "export"] if round_number % 2 else ["export", "packet"]
            for kind in order:
                out = data_dir / f"{kind}-{round_number}.out"
                if kind == "export":
                    result = worker(env, "data_export_worker.py", "export", str(out), str(application))
                else:
                    result = worker(env, "packet_worker.py", "build", str(out), str(application))
                out.unlink()
                results[kind].append(result)
                harness.log(f"{kind:<6} round {round_number}: {result['seconds']:.2f} s, {result['size'] / MB:.1f} MB")
        harness.log(f"export zip: {results['export'][-1]['entries']} entries; after: {harness.machine_load()}")
    finally:
        if keep:
            harness.log(f"kept {data_dir} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    export = statistics.median(r["seconds"] for r in results["export"])
    packet = statistics.median(r["seconds"] for r in results["packet"])
    ratio = packet / export
    harness.log(f"export {export:.2f} s, packet {packet:.2f} s (medians)")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0
