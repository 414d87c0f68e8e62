"""Seed the upload benchmarks, or report what was stored: prints one JSON line for bench_uploads.py / bench_slow_uploads.py.

    seed_uploads.py seed ITEMS    an applicant with a profile, one application to a programme of an open cycle
                                  (documents window open) with ITEMS PDF items of 12 MB each and a 1000 MB total,
                                  logged in with a database session
    seed_uploads.py verify APP    every stored document of application APP: the database's size and SHA-256, and
                                  the SHA-256 of the stored file read back from disk

Run by bench/harness.py with the bench environment (GRADADMIT_DATA_DIR pointing at a temporary directory): never
against the real database.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")

if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("seed_uploads.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from seeding import login_session  # noqa: E402

from gradadmit.cycles.models import DocumentRequirement  # noqa: E402
from gradadmit.documents.models import Document  # noqa: E402
from gradadmit.testing.factories import ApplicationFactory, CycleFactory, ProfileFactory, ProgramFactory  # noqa: E402

ITEM_LIMIT_MB = 12
TOTAL_LIMIT_MB = 1000


def seed(items: int) -> dict:
    profile = ProfileFactory()
    cycle = CycleFactory()  # application and documents windows open now
    program = ProgramFactory(cycle=cycle, max_total_upload_mb=TOTAL_LIMIT_MB)
    requirements = [
        DocumentRequirement.objects.create(
            program=program,
            order=10 + n,
            code=f"bench-{n}",
            name_zh=f"測試文件{n}",
            name_en=f"Bench document {n}",
            file_kind=DocumentRequirement.FileKind.PDF,
            max_size_mb=ITEM_LIMIT_MB,
            mandatory=False,
        )
        for n in range(items)
    ]
    application = ApplicationFactory(applicant=profile.user, program=program)
    session_key = login_session(profile.user)
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "session_key": session_key,
        "application": application.pk,
        "requirements": [r.pk for r in requirements],
        "cycle": cycle.code,
        "item_limit_mb": ITEM_LIMIT_MB,
        "total_limit_mb": TOTAL_LIMIT_MB,
    }


def verify(application_id: int) -> dict:
    documents = []
    for document in Document.objects.filter(application_id=application_id).order_by("pk"):
        digest = hashlib.sha256()
        with open(document.file.path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        documents.append(
            {
                "id": document.pk,
                "requirement": document.requirement_id,
                "current": document.is_current,
                "size": document.size,
                "disk_size": os.path.getsize(document.file.path),
                "sha256": document.sha256,
                "disk_sha256": digest.hexdigest(),
                "sanitized": document.sanitized,
                "pages": document.pages,
            }
        )
    return {"documents": documents}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "seed":
        print(json.dumps(seed(int(argv[1]))))
    elif len(argv) == 2 and argv[0] == "verify":
        print(json.dumps(verify(int(argv[1]))))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
