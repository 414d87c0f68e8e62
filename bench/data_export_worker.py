"""One measured data export in a fresh process, for bench_data_export.py: prints one JSON line.

    data_export_worker.py enrich APP     (bench environment) give the application's applicant what an applicant has
                                         besides documents: 20 inbox messages, a paid application fee, 2 recommenders
    data_export_worker.py export OUT APP (bench environment) privacy.export.write_zip for the application's applicant,
                                         after a warm-up render of the summary template (a long-lived worker has it)

The packet side is packet_worker.py build, on the same seeded application.
"""

import json
import os
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("data_export_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")

import django  # noqa: E402

django.setup()

from gradadmit.applications.models import Application  # noqa: E402
from gradadmit.core import clock  # noqa: E402


def enrich(application_id: int) -> dict:
    from gradadmit.fees.models import Payment
    from gradadmit.fees.services import ensure_application_charge
    from gradadmit.notifications.models import Message
    from gradadmit.recommendations.models import RecommendationRequest

    application = Application.objects.select_related("program__cycle").get(pk=application_id)
    user = application.applicant
    Message.objects.bulk_create(
        Message(recipient=user, kind="bench", subject_zh=f"通知 {n}", subject_en=f"Notice {n}", body_zh="內容" * 200,
                body_en="Text " * 200) for n in range(20)
    )  # fmt: skip
    charge = ensure_application_charge(application)
    Payment.objects.create(charge=charge, amount=charge.amount_due, method="counter", received_at=clock.now())
    for n in range(2):
        RecommendationRequest.objects.create(application=application, name=f"林教授{n}", organisation="建國科技大學",
                                             title="教授", relationship="導師", email=f"prof{n}@bench.example.tw",
                                             token_expires_at=clock.now())  # fmt: skip
    return {"application": application_id}


def export(out: Path, application_id: int) -> dict:
    from django.template.loader import render_to_string

    from gradadmit.privacy.export import write_zip

    render_to_string("privacy/export_summary.html", {"data": {}, "user": None})  # warm-up: templates loaded
    user = Application.objects.get(pk=application_id).applicant
    started = time.perf_counter()
    files = write_zip(user, out)
    seconds = time.perf_counter() - started
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    return {"seconds": seconds, "files": files, "entries": len(names), "size": out.stat().st_size}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "enrich":
        result = enrich(int(sys.argv[2]))
    elif mode == "export":
        result = export(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(result))
