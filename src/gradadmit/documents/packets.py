"""Building review packets: one application's PDF, or a whole programme's zip."""

import tempfile
import zipfile
from pathlib import Path

from django.core.files import File
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.core import clock
from gradadmit.core.packet import assemble_packet, packet_registry


def cover_pdf(application, parts) -> bytes:
    from gradadmit.core.pdf import html_to_pdf

    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    with translation.override("zh-hant"):
        html = render_to_string(
            "documents/packet_cover.html",
            {"application": application, "profile": profile, "parts": parts, "generated_at": clock.now()},
        )
    return html_to_pdf(html)


def build_application_packet(application, output) -> int:
    """Write the application's packet to `output` (path or binary file). Returns its page count."""
    parts = packet_registry.parts_for(application)
    with translation.override("zh-hant"):
        titles = [part.title for part in parts]
    for part, title in zip(parts, titles, strict=True):
        part.title = str(title)
    return assemble_packet(
        cover_pdf=cover_pdf(application, parts), parts=parts, cover_title="封面 Cover", output=output
    )


def packet_filename(application) -> str:
    return f"packet-{application.program.code}-{application.pk}.pdf"


def build_program_zip(build) -> None:
    """Every active application's packet of the programme into one zip; progress saved as it goes."""
    from gradadmit.applications.models import Application
    from gradadmit.documents.models import PacketBuild

    applications = list(
        Application.objects.active().filter(program=build.program).select_related("program__cycle").order_by("pk")
    )
    # done=0: a build run again after its worker died starts its zip and its count afresh.
    PacketBuild.objects.filter(pk=build.pk).update(status=PacketBuild.Status.RUNNING, total=len(applications), done=0)
    with tempfile.TemporaryDirectory() as folder:
        zip_path = Path(folder) / "packets.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED) as archive:
            for application in applications:
                pdf_path = Path(folder) / packet_filename(application)
                build_application_packet(application, pdf_path)
                archive.write(pdf_path, arcname=pdf_path.name)
                pdf_path.unlink()
                PacketBuild.objects.filter(pk=build.pk).update(done=F("done") + 1)
        with zip_path.open("rb") as handle:
            build.file.save(f"packets-{build.program.code}-{build.pk}.zip", File(handle), save=False)
    PacketBuild.objects.filter(pk=build.pk).update(
        status=PacketBuild.Status.DONE, file=build.file.name, finished_at=clock.now()
    )
