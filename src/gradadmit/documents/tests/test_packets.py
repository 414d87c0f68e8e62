"""Review packets: one application's PDF (cover, one bookmark per item, in item order) and a programme's zip.

The packet is opened with pikepdf, the cover read with ``pdftotext`` and looked at as a PNG
(``pdftoppm``), saved as reports/screenshots/packet-cover.png for people to look at.
"""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from django.urls import reverse
from PIL import Image

from gradadmit.applications.models import Application
from gradadmit.core.rocdate import format_roc_datetime
from gradadmit.cycles.models import DocumentRequirement
from gradadmit.documents import services
from gradadmit.documents.models import Document, PacketBuild
from gradadmit.documents.packets import build_application_packet, packet_filename
from gradadmit.testing.factories import ApplicationFactory, DepartmentStaffFactory, ProgramFactory, assign
from gradadmit.testing.files import labelled_pdf_bytes, pdf_outline, photo_bytes, upload

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[4] / "reports" / "screenshots"
TAIPEI = ZoneInfo("Asia/Taipei")
COVER_TITLE = "封面 Cover"

# (code, order, Chinese name, English name, pages; 0 = the photo), in item order.
ITEMS = [
    ("photo", 1, "照片", "Photo", 0),
    ("cv", 2, "學經歷表", "CV", 2),
    ("plan", 3, "讀書計畫", "Study plan", 3),
    ("transcript", 4, "歷年成績單", "Transcript", 1),
]
UPLOADED = {
    "photo": datetime(2026, 3, 2, 9, 5, tzinfo=TAIPEI),
    "cv": datetime(2026, 3, 3, 14, 30, tzinfo=TAIPEI),
    "plan": datetime(2026, 3, 4, 12, 0, tzinfo=TAIPEI),
    "transcript": datetime(2026, 3, 5, 20, 45, tzinfo=TAIPEI),
}


def add_items(program) -> None:
    """The factory gives photo (1) and cv (2); add two more PDF items."""
    for code, order, name_zh, name_en, _pages in ITEMS:
        if not program.document_requirements.filter(code=code).exists():
            DocumentRequirement.objects.create(
                program=program, order=order, code=code, name_zh=name_zh, name_en=name_en
            )


def upload_everything(application) -> None:
    for code, _order, _zh, name_en, pages in ITEMS:
        requirement = application.program.document_requirements.get(code=code)
        if pages:
            file = upload(f"{code}.pdf", labelled_pdf_bytes(name_en, pages))
        else:
            file = upload("photo.jpg", photo_bytes(), content_type="image/jpeg")
        document = services.upload_document(
            applicant=application.applicant, application=application, requirement=requirement, upload=file
        )
        Document.objects.filter(pk=document.pk).update(uploaded_at=UPLOADED[code])


@pytest.fixture
def application():
    program = ProgramFactory()
    add_items(program)
    application = ApplicationFactory(program=program)
    upload_everything(application)
    return application


def run(*command) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, timeout=60)


def squeeze(text: str) -> str:
    """pdftotext lays text out in columns and may break lines anywhere: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def test_packet_has_the_cover_then_every_item_with_one_bookmark_each(application, tmp_path):
    path = tmp_path / "packet.pdf"
    pages = build_application_packet(application, path)

    item_pages = [pages for *_, pages in ITEMS]
    expected = 1 + sum(p or 1 for p in item_pages)  # cover + items (the photo is one page)
    assert pages == expected
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == expected

    # One bookmark for the cover, then one per item, in item order, each on the item's first page.
    starts, page = [], 1
    for p in item_pages:
        starts.append(page)
        page += p or 1
    assert pdf_outline(path.read_bytes()) == [(COVER_TITLE, 0)] + [
        (name_zh, start) for (_c, _o, name_zh, _e, _p), start in zip(ITEMS, starts, strict=True)
    ]

    # The items' own pages follow in order (the PDFs say which item and page they are).
    text = run("pdftotext", "-layout", str(path), "-").stdout.decode()
    found = re.findall(r"(CV|Study plan|Transcript) - page (\d)", text)
    assert found == [("CV", "1"), ("CV", "2"), ("Study plan", "1"), ("Study plan", "2"), ("Study plan", "3"),
                     ("Transcript", "1")]  # fmt: skip


def test_cover_lists_applicant_programme_identity_and_items_with_upload_times(application, tmp_path):
    path = tmp_path / "packet.pdf"
    build_application_packet(application, path)
    profile = application.applicant.profile
    program = application.program

    cover = squeeze(run("pdftotext", "-f", "1", "-l", "1", str(path), "-").stdout.decode())
    for expected in [
        profile.name_zh,
        profile.name_en,
        program.code,
        program.name_zh,
        program.name_en,
        "一般生",  # identity (general)
        str(application.pk),
    ]:
        assert squeeze(expected) in cover, f"{expected!r} missing from the cover:\n{cover}"
    # Every item, in order, each with its upload time (ROC calendar, Taiwan time).
    position = 0
    for code, _order, name_zh, _name_en, _pages in ITEMS:
        row = squeeze(f"{name_zh}{format_roc_datetime(UPLOADED[code])}")
        assert row in cover[position:], f"{row!r} missing (or out of order) on the cover:\n{cover}"
        position = cover.index(row, position) + len(row)


def test_cover_renders_to_a_visible_png(application, tmp_path):
    path = tmp_path / "packet.pdf"
    build_application_packet(application, path)
    run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "cover"))
    png = tmp_path / "cover.png"
    assert png.exists() and png.stat().st_size > 0

    with Image.open(png) as image:
        assert image.width > 300 and image.height > 400  # A4 at 60 dpi is 496 × 702
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
    assert dark > 500, "the cover page renders blank"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOTS / "packet-cover.png")


def test_packet_without_documents_is_the_cover_alone(tmp_path):
    application = ApplicationFactory()
    path = tmp_path / "packet.pdf"
    assert build_application_packet(application, path) == 1
    assert pdf_outline(path.read_bytes()) == [(COVER_TITLE, 0)]


def test_packet_shows_the_current_version_only(application, tmp_path):
    requirement = application.program.document_requirements.get(code="plan")
    services.upload_document(
        applicant=application.applicant,
        application=application,
        requirement=requirement,
        upload=upload("plan-v2.pdf", labelled_pdf_bytes("Plan v2", 1)),
    )
    path = tmp_path / "packet.pdf"
    build_application_packet(application, path)
    text = run("pdftotext", str(path), "-").stdout.decode()
    assert "Plan v2 - page 1" in text
    assert "Study plan - page" not in text
    assert [title for title, _page in pdf_outline(path.read_bytes())].count("讀書計畫") == 1


def test_programme_zip_holds_one_packet_per_active_application(
    application, django_capture_on_commit_callbacks, tmp_path
):
    program = application.program
    second = ApplicationFactory(program=program)
    upload_everything(second)
    withdrawn = ApplicationFactory(program=program, status=Application.Status.WITHDRAWN)
    staff = DepartmentStaffFactory()
    assign(staff, program)

    with django_capture_on_commit_callbacks(execute=True):
        build = services.request_packet_build(actor=staff, program=program)
    build.refresh_from_db()

    assert build.status == PacketBuild.Status.DONE, build.error
    assert (build.done, build.total, build.percent) == (2, 2, 100)
    assert build.finished_at is not None
    with build.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([packet_filename(application), packet_filename(second)])
        assert packet_filename(withdrawn) not in names
        for name in names:
            marks = pdf_outline(archive.read(name))
            assert [title for title, _page in marks] == [COVER_TITLE] + [zh for _c, _o, zh, _e, _p in ITEMS]


def test_a_second_request_while_building_returns_the_same_build(application):
    staff = DepartmentStaffFactory()
    assign(staff, application.program)
    # Not run (no on-commit callbacks in this test's transaction): the build stays queued.
    first = services.request_packet_build(actor=staff, program=application.program)
    assert services.request_packet_build(actor=staff, program=application.program) == first
    assert PacketBuild.objects.count() == 1


def test_zip_and_packet_downloads_are_scoped_to_the_staff_members_programmes(
    application, client, django_capture_on_commit_callbacks
):
    program = application.program
    mine, other = DepartmentStaffFactory(), DepartmentStaffFactory()
    assign(mine, program)
    assign(other, ProgramFactory(cycle=program.cycle))
    with django_capture_on_commit_callbacks(execute=True):
        build = services.request_packet_build(actor=mine, program=program)
    download = reverse("documents:packet_download", args=[build.pk])
    packet = reverse("documents:application_packet", args=[application.pk])

    client.force_login(other)
    assert client.get(download).status_code == 404
    assert client.get(packet).status_code == 404
    assert client.get(reverse("documents:program_packets", args=[program.pk])).status_code == 404

    client.force_login(mine)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == [packet_filename(application)]
    response = client.get(packet)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(pdf_outline(b"".join(response.streaming_content))) == 1 + len(ITEMS)

    progress = client.get(
        reverse("documents:program_packets", args=[program.pk]), headers={"Accept": "application/json"}
    )
    assert progress.json() == {"status": "done", "percent": 100}


def test_a_build_whose_worker_died_is_built_again_from_the_start(application):
    from gradadmit.documents.tasks import build_program_packets

    build = PacketBuild.objects.create(program=application.program, status="running", done=7, total=1)
    build_program_packets.call(build_id=build.pk)  # what the sweeper's requeue runs
    build.refresh_from_db()
    assert (build.status, build.done, build.total) == ("done", 1, 1)
    with zipfile.ZipFile(build.file.open("rb")) as archive:
        assert archive.namelist() == [packet_filename(application)]


def test_a_failed_build_can_be_tried_again_from_its_page(application, client, django_capture_on_commit_callbacks):
    staff = DepartmentStaffFactory()
    assign(staff, application.program)
    build = PacketBuild.objects.create(program=application.program, status="failed", error="OSError")
    client.force_login(staff)
    page = client.get(reverse("documents:program_packets", args=[application.program.pk])).content.decode()
    assert reverse("documents:packet_retry", args=[build.pk]) in page and "http-equiv" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:packet_retry", args=[build.pk]))
    build.refresh_from_db()
    assert build.status == "done" and build.error == ""
    assert client.post(reverse("documents:packet_retry", args=[build.pk])).status_code == 302  # refused, said
    assert PacketBuild.objects.count() == 1


def test_another_programmes_staff_cannot_retry_a_build(application, client):
    build = PacketBuild.objects.create(program=application.program, status="failed")
    other = DepartmentStaffFactory()
    assign(other, ProgramFactory(cycle=application.program.cycle))
    client.force_login(other)
    assert client.post(reverse("documents:packet_retry", args=[build.pk])).status_code == 404


def test_the_live_region_partial_polls_only_while_a_build_runs(application, client):
    staff = DepartmentStaffFactory()
    assign(staff, application.program)
    client.force_login(staff)
    url = reverse("documents:program_packets", args=[application.program.pk]) + "?partial=1"
    assert 'data-live-active="false"' in client.get(url).content.decode()
    PacketBuild.objects.create(program=application.program, status="running", total=3)
    partial = client.get(url).content.decode()
    assert 'data-live-active="true"' in partial and "<html" not in partial
