"""One measured packet build in a fresh process, for bench_packet.py: prints one JSON line.

    packet_worker.py merge OUT FILE...   bare pikepdf: open each file, extend the pages of a new PDF, save to OUT
    packet_worker.py seed FILE...        (bench environment) an application whose current documents are FILE...,
                                         one PDF item each; prints {"application": id}
    packet_worker.py build OUT APP       (bench environment) gradadmit.documents.packets.build_application_packet:
                                         the cover page (core/pdf.py, WeasyPrint) + every document, one bookmark each

Each measured mode reports wall seconds of the build alone, the pages and size of OUT, the process's resident set
before the build (after imports, Django setup and, for build, one warm-up cover render: a long-lived task worker
has all of that already) and its peak resident set over its whole life (VmHWM of /proc/self/status; see peak_kb).
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

import pikepdf

REPO = Path(__file__).resolve().parent.parent


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def rss_kb() -> int:
    return status_kb("VmRSS")


def peak_kb() -> int:
    """Peak resident set of this process image: VmHWM, not ru_maxrss.

    Linux carries ru_maxrss across execve (it keeps the high-water mark of the forked copy of the parent), so a
    child of a big parent reports the parent's peak; VmHWM belongs to the new memory map only.
    """
    return status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(started: float, baseline_kb: int, out: Path, pages: int, **extra) -> None:
    seconds = time.perf_counter() - started
    with pikepdf.open(out) as check:
        if len(check.pages) != pages:
            raise RuntimeError(f"{out}: {len(check.pages)} pages, expected {pages}")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "pages": pages,
                "size": out.stat().st_size,
                "baseline_kb": baseline_kb,
                "peak_kb": peak_kb(),
                **extra,
            }
        ),
        flush=True,
    )


def merge(out: Path, files: list[str]) -> None:
    baseline = rss_kb()
    started = time.perf_counter()
    sources = []
    packet = pikepdf.new()
    for name in files:
        source = pikepdf.open(name)
        sources.append(source)
        packet.pages.extend(source.pages)
    packet.save(out)
    pages = len(packet.pages)
    for source in sources:
        source.close()
    report(started, baseline, out, pages)


def django_setup() -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
    if not os.environ.get("GRADADMIT_DATA_DIR"):
        sys.exit("packet_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")
    import django

    django.setup()


def seed(files: list[str]) -> None:
    django_setup()
    from django.core.files import File

    from gradadmit.core import clock
    from gradadmit.cycles.models import DocumentRequirement
    from gradadmit.documents.models import Document
    from gradadmit.testing.factories import ApplicationFactory, CycleFactory, ProfileFactory, ProgramFactory

    profile = ProfileFactory()
    program = ProgramFactory(cycle=CycleFactory(), with_stages=False)
    application = ApplicationFactory(applicant=profile.user, program=program)
    for n, name in enumerate(files):
        requirement = DocumentRequirement.objects.create(
            program=program,
            order=n + 1,
            code=f"bench-{n}",
            name_zh=f"測試文件{n + 1}",
            name_en=f"Part {n + 1}",
            max_size_mb=12,
        )
        with pikepdf.open(name) as pdf:
            pages = len(pdf.pages)
        document = Document(
            application=application,
            requirement=requirement,
            extension="pdf",
            original_name=Path(name).name,
            content_type="application/pdf",
            size=Path(name).stat().st_size,
            pages=pages,
            sha256="0" * 64,
            uploaded_at=clock.now(),
        )
        with open(name, "rb") as handle:
            document.file.save("upload", File(handle), save=False)
        document.save()
    print(json.dumps({"application": application.pk}))


def build(out: Path, application_id: int) -> None:
    django_setup()
    from gradadmit.applications.models import Application
    from gradadmit.documents.packets import build_application_packet

    cover = "core/pdf.py (WeasyPrint)"
    try:
        from gradadmit.core.pdf import html_to_pdf

        warm_started = time.perf_counter()
        html_to_pdf("<!doctype html><meta charset=utf-8><p>暖身 warm-up</p>")  # import WeasyPrint, load fonts
        warm = time.perf_counter() - warm_started
    except ImportError:
        cover, warm = "missing", 0.0
    application = Application.objects.select_related("program__cycle").get(pk=application_id)
    baseline = rss_kb()
    started = time.perf_counter()
    pages = build_application_packet(application, out)
    report(started, baseline, out, pages, cover=cover, warm_up_seconds=warm)


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "merge":
        merge(Path(argv[1]), argv[2:])
    elif len(argv) >= 2 and argv[0] == "seed":
        seed(argv[1:])
    elif len(argv) == 3 and argv[0] == "build":
        build(Path(argv[1]), int(argv[2]))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
