"""One review packet of ~100 pages / ~50 MB: build_application_packet against a bare pikepdf merge of the same files.

Input: PARTS clean PDFs of PART_MB MB with PART_PAGES pages each (uncompressed random-byte images: the size is
real, nothing compresses), stored as the current documents of one application (one PDF item each) in a throw-away
bench data directory (migrated SQLite, its own files). Each build runs in a fresh process:

  packet: gradadmit.documents.packets.build_application_packet (cover page from core/pdf.py with WeasyPrint,
          then every document, one bookmark each), in a process that has already imported WeasyPrint and rendered
          one warm-up page (a long-lived task worker has), so the time is the build's own;
  merge:  bare pikepdf, no Django: open each file, extend a new PDF's pages, save.

Rounds alternate the two (ROUNDS each); the fastest time of each counts, and the highest peak memory of the packet.
time multiple = packet seconds / merge seconds (target <= 5);
memory multiple = peak resident set of the packet process (VmHWM, the kernel's high-water mark of its memory
map: everything the process ever held, interpreter, Django and WeasyPrint included; not ru_maxrss, which Linux
carries over from the parent through fork + exec) / packet file size (target <= 4).
ratio = min(5 / time multiple, 4 / memory multiple); target >= 1 (both multiples within their targets).
Environment: BENCH_PACKET_PARTS (10), BENCH_PACKET_PART_MB (5), BENCH_PACKET_PART_PAGES (10), BENCH_PACKET_ROUNDS (2).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import harness
import pdfgen

NAME = "packet"
TIME_TARGET = 5.0
MEMORY_TARGET = 4.0
MB = 1024 * 1024
PARTS = int(os.environ.get("BENCH_PACKET_PARTS", "10"))
PART_MB = float(os.environ.get("BENCH_PACKET_PART_MB", "5"))
PART_PAGES = int(os.environ.get("BENCH_PACKET_PART_PAGES", "10"))
ROUNDS = int(os.environ.get("BENCH_PACKET_ROUNDS", "2"))


def worker(env: dict, *args: str) -> dict:
    completed = subprocess.run(
        [harness.PYTHON, "bench/packet_worker.py", *args],
        cwd=harness.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"packet_worker.py {args[0]} exited {completed.returncode}:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def line(label: str, result: dict) -> str:
    return (
        f"{label:<7} {result['seconds']:6.2f} s  {result['pages']:4d} pages  {result['size'] / MB:6.1f} MB  "
        f"RSS before build {result['baseline_kb'] / 1024:6.1f} MB  peak {result['peak_kb'] / 1024:6.1f} MB"
    )


def run() -> int:
    keep = os.environ.get("BENCH_KEEP") == "1"
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-"))
    env = harness.bench_env(data_dir)
    try:
        started = time.perf_counter()
        for command in (["migrate", "--noinput", "-v0"], ["prepare_pdf_fonts"]):
            done = subprocess.run(
                [harness.PYTHON, "manage.py", *command], cwd=harness.REPO, env=env, capture_output=True, text=True
            )
            if done.returncode != 0 and command[0] == "migrate":
                raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")
        inputs = data_dir / "inputs"
        inputs.mkdir()
        files = []
        for n in range(PARTS):
            path = inputs / f"part-{n + 1:02d}.pdf"
            path.write_bytes(pdfgen.pdf_of_size(int(PART_MB * MB), pages=PART_PAGES))
            files.append(str(path))
        application = worker(env, "seed", *files)["application"]
        harness.log(
            f"input: {PARTS} PDFs x {PART_PAGES} pages x {PART_MB:g} MB (random-byte images, uncompressed) = "
            f"{PARTS * PART_PAGES} pages, {PARTS * PART_MB:g} MB, documents of application {application} "
            f"(setup {time.perf_counter() - started:.1f} s, data {data_dir}); {harness.machine_load()}"
        )
        results = {"merge": [], "packet": []}
        for round_number in range(1, ROUNDS + 1):
            order = ["merge", "packet"] if round_number % 2 else ["packet", "merge"]
            for kind in order:
                out = data_dir / f"{kind}-{round_number}.pdf"
                if kind == "merge":
                    result = worker(env, "merge", str(out), *files)
                else:
                    result = worker(env, "build", str(out), str(application))
                out.unlink()
                results[kind].append(result)
                harness.log(line(f"{kind} {round_number}", result))
        harness.log(f"after: {harness.machine_load()}")
    finally:
        if keep:
            harness.log(f"kept {data_dir} (BENCH_KEEP=1)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    merge = min(results["merge"], key=lambda r: r["seconds"])
    packet = min(results["packet"], key=lambda r: r["seconds"])
    peak_kb = max(r["peak_kb"] for r in results["packet"])
    time_multiple = packet["seconds"] / merge["seconds"]
    memory_multiple = peak_kb * 1024 / packet["size"]
    first = results["packet"][0]
    harness.log(
        f"cover: {first.get('cover')}; warm-up render before the timed build {first.get('warm_up_seconds', 0):.2f} s"
    )
    harness.log(
        f"time: packet {packet['seconds']:.2f} s / bare merge {merge['seconds']:.2f} s = {time_multiple:.2f}x "
        f"(target <= {TIME_TARGET:g}x)"
    )
    harness.log(
        f"memory: packet peak RSS {peak_kb / 1024:.1f} MB / packet {packet['size'] / MB:.1f} MB = "
        f"{memory_multiple:.2f}x (target <= {MEMORY_TARGET:g}x); RSS before the build {packet['baseline_kb'] / 1024:.1f} "
        f"MB, growth during it {(peak_kb - packet['baseline_kb']) / 1024:.1f} MB; bare merge peak "
        f"{merge['peak_kb'] / 1024:.1f} MB"
    )
    ratio = min(TIME_TARGET / time_multiple, MEMORY_TARGET / memory_multiple)
    harness.log(
        f"ratio = min({TIME_TARGET:g} / {time_multiple:.2f}, {MEMORY_TARGET:g} / {memory_multiple:.2f}) = {ratio:.2f}"
    )
    verdict = "PASS" if packet["pages"] == merge["pages"] + 1 and ratio >= 1 else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= 1) {verdict}", flush=True)
    return 0
