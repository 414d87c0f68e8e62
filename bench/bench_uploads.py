"""10 MB PDF uploads through the real server against copying the same files on the same disk, in the same run.

An applicant with an open documents window, PDF items of 12 MB and a 1000 MB programme total, logged in with a
database session; the upload view's XHR mode (JSON answer). Every file is a distinct clean 10 MB PDF (10 pages of
random-byte images), so the server must store it byte for byte. Phases: 1 warm-up upload (not timed), SEQUENTIAL
uploads one after another, then CLIENTS concurrent clients x ROUNDS uploads each (one item per client).

Reference: the same files, already on disk in the bench data directory, copied file by file with Python
(shutil.copyfile) followed by os.fsync of the copy, i.e. `cp` + `sync` of each file: the rate at which this disk
takes 10 MB files durably. Measured before and after the uploads; the faster run counts (the harder reference).
Copying without fsync is printed for information.

ratio = min(sequential upload MB/s, concurrent upload MB/s) / copy+fsync MB/s; target >= 0.25. After the run, every
stored document is read back from disk and must equal a file sent (SHA-256 and size), every file sent must be stored
exactly once, none sanitised, and no upload may fail: otherwise the run is FAIL whatever the ratio.
Environment: BENCH_UPLOAD_SEQUENTIAL (6), BENCH_UPLOAD_CLIENTS (4), BENCH_UPLOAD_ROUNDS (3).
"""

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import harness
import pdfgen
import upload_client

NAME = "uploads"
TARGET = 0.25
MB = 1024 * 1024
FILE_SIZE = 10 * MB
FILE_PAGES = 10
SEQUENTIAL = int(os.environ.get("BENCH_UPLOAD_SEQUENTIAL", "6"))
CLIENTS = int(os.environ.get("BENCH_UPLOAD_CLIENTS", "4"))
ROUNDS = int(os.environ.get("BENCH_UPLOAD_ROUNDS", "3"))


def copy_rate(files: list[bytes], folder, fsync: bool) -> tuple[float, float]:
    """(MB/s, seconds) copying each file of `folder`/src to `folder`/dst, with fsync of each copy if asked."""
    source, target = folder / "src", folder / "dst"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    started = time.perf_counter()
    for n in range(len(files)):
        shutil.copyfile(source / f"{n}.pdf", target / f"{n}.pdf")
        if fsync:
            with open(target / f"{n}.pdf", "rb+") as handle:
                os.fsync(handle.fileno())
    if fsync:
        descriptor = os.open(target, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return sum(map(len, files)) / MB / elapsed, elapsed


def write_sources(files: list[bytes], folder) -> None:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    for n, data in enumerate(files):
        with open(folder / "src" / f"{n}.pdf", "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def summary(label: str, results: list[upload_client.UploadResult]) -> tuple[float, str]:
    wall = max(r.finished for r in results) - min(r.started for r in results)
    size = sum(r.sent for r in results) / MB
    times = sorted(r.elapsed for r in results)
    failed = sum(not r.ok for r in results)
    rate = size / wall if wall else 0.0
    return rate, (
        f"{label:<28} {len(results):3d} uploads, {size:7.1f} MB in {wall:6.2f} s = {rate:7.1f} MB/s  "
        f"per upload min {times[0]:.2f} s  median {times[len(times) // 2]:.2f} s  max {times[-1]:.2f} s  "
        f"failed {failed}"
    )


def run() -> int:
    total = 1 + SEQUENTIAL + CLIENTS * ROUNDS
    started = time.perf_counter()
    files = [pdfgen.pdf_of_size(FILE_SIZE, pages=FILE_PAGES) for _ in range(total)]
    harness.log(
        f"files: {total} distinct clean PDFs of {FILE_SIZE:,} bytes, {FILE_PAGES} pages of random-byte images "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    with harness.Server() as server:
        setup = upload_client.prepare(server, items=max(CLIENTS, 1))
        harness.log(
            f"seed: application {setup.application}, {len(setup.requirements)} PDF items of 12 MB, total 1000 MB; "
            f"{harness.machine_load()}"
        )
        copy_dir = server.data_dir / "copy-reference"
        write_sources(files, copy_dir)
        copies = [copy_rate(files, copy_dir, fsync=True)]

        def send(index: int, data: bytes) -> upload_client.UploadResult:
            return upload_client.upload(
                server.port, setup.path(index), setup.cookie, setup.csrf_token, data, filename=f"doc-{index}.pdf"
            )

        results = [send(0, files[0])]  # warm-up
        harness.log(f"warm-up upload: {results[0].elapsed:.2f} s, ok {results[0].ok} {results[0].error}")
        sequential = [send(0, data) for data in files[1 : 1 + SEQUENTIAL]]
        queue = files[1 + SEQUENTIAL :]
        with ThreadPoolExecutor(CLIENTS) as pool:

            def client(index: int) -> list[upload_client.UploadResult]:
                return [send(index, queue[index * ROUNDS + r]) for r in range(ROUNDS)]

            concurrent = [r for batch in pool.map(client, range(CLIENTS)) for r in batch]
        copies.append(copy_rate(files, copy_dir, fsync=True))
        no_fsync = copy_rate(files, copy_dir, fsync=False)
        shutil.rmtree(copy_dir, ignore_errors=True)
        results += sequential + concurrent
        stored, problems = upload_client.verify(server, setup, files)
        harness.log(f"after: {harness.machine_load()}")

    seq_rate, seq_line = summary("sequential (1 client)", sequential)
    conc_rate, conc_line = summary(f"concurrent ({CLIENTS} clients)", concurrent)
    harness.log(seq_line)
    harness.log(conc_line)
    reference = max(rate for rate, _ in copies)
    harness.log(
        "copy + fsync, same files, same disk: "
        + ", ".join(f"{rate:.1f} MB/s ({seconds:.2f} s)" for rate, seconds in copies)
        + f" -> reference {reference:.1f} MB/s; without fsync {no_fsync[0]:.1f} MB/s"
    )
    failed = [r for r in results if not r.ok]
    for result in failed[:5]:
        harness.log(f"failed upload: {result.error}")
    for problem in problems[:10]:
        harness.log(f"verify: {problem}")
    harness.log(
        f"verify: {len(results)} uploads sent, {len(results) - len(failed)} answered ok, {len(failed)} failed; "
        f"{stored} documents stored, {stored - len([p for p in problems if p.startswith('document')])} identical "
        f"to the file sent, {len(problems)} problems"
    )
    ratio = min(seq_rate, conc_rate) / reference if reference else 0.0
    harness.log(
        f"ratio = min({seq_rate:.1f}, {conc_rate:.1f}) MB/s upload / {reference:.1f} MB/s copy+fsync = {ratio:.2f}"
    )
    clean = not failed and not problems and stored == len(results)
    if not clean:
        harness.log("invalid run: failed uploads or stored files that differ from what was sent")
    verdict = "PASS" if clean and ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0
