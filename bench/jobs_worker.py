"""One step of the job benchmarks in a fresh process (bench environment): prints one JSON line.

jobs_worker.py program N      a programme with N active applications, two PDFs each (1 to 3 pages; documents
                              stored as uploads are), for bench_recovery.py; prints {"program": id}
jobs_worker.py build PROGRAM  queue its packet zip as the office page does (documents.services.request_packet_build:
                              the PacketBuild row and its task in one transaction); prints {"build": id}
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("jobs_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")


def setup():
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seed accounts: nobody signs in


def program(size: int) -> dict:
    setup()
    from django.core.files.base import ContentFile

    from gradadmit.core import clock
    from gradadmit.cycles.models import DocumentRequirement
    from gradadmit.documents.models import Document
    from gradadmit.testing.factories import ApplicationFactory, CycleFactory, ProgramFactory
    from gradadmit.testing.files import pdf_bytes

    pdfs = {pages: pdf_bytes(pages=pages) for pages in (1, 2, 3)}
    record = ProgramFactory(cycle=CycleFactory(code="bench-jobs"), code="J01", with_stages=False)
    requirements = [
        DocumentRequirement.objects.create(
            program=record, order=n, code=f"part-{n}", name_zh=f"文件{n}", name_en=f"Part {n}"
        )  # fmt: skip
        for n in (1, 2)
    ]
    for a in range(size):
        application = ApplicationFactory(program=record)
        for n, requirement in enumerate(requirements):
            pages = 1 + (a + n) % 3
            document = Document(
                application=application, requirement=requirement, extension="pdf", original_name=f"part-{n}.pdf",
                content_type="application/pdf", size=len(pdfs[pages]), pages=pages, sha256="0" * 64,
                uploaded_at=clock.now(),
            )  # fmt: skip
            document.file.save("upload.pdf", ContentFile(pdfs[pages]), save=False)
            document.save()
    return {"program": record.pk}


def build(program_id: int) -> dict:
    setup()
    from gradadmit.cycles.models import Program
    from gradadmit.documents.services import request_packet_build

    return {"build": request_packet_build(actor=None, program=Program.objects.get(pk=program_id)).pk}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "program":
        result = program(int(argv[1]))
    elif len(argv) == 2 and argv[0] == "build":
        result = build(int(argv[1]))
    else:
        sys.exit(__doc__)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
