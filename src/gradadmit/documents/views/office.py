"""Staff: documents of their programmes, the initial check, packets."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gradadmit.accesslog.services import Kind as AccessKind
from gradadmit.accesslog.services import record_access, record_accesses
from gradadmit.applications.models import Application
from gradadmit.applications.selectors import applications_for_staff
from gradadmit.core.errors import DomainError
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.documents import selectors, services
from gradadmit.documents.files import serve_document
from gradadmit.documents.models import PacketBuild
from gradadmit.documents.packets import build_application_packet, packet_filename
from gradadmit.office.permissions import staff_required


@staff_required()
def staff_file(request, pk):
    document = selectors.document_for_staff(request.user, pk)
    record_access(staff=request.user, applicant_id=document.application.applicant_id, kind=AccessKind.DOCUMENT,
                  detail=f"document #{document.pk}")  # fmt: skip
    return serve_document(document, download=request.GET.get("download"))


@staff_required()
def initial_checks(request, pk):
    program = program_for_staff(request.user, pk)
    documents = list(selectors.initial_check_queue(request.user, program))
    return render(request, "documents/office_checks.html", {"program": program, "documents": documents})


@staff_required()
@require_POST
def record_check(request, pk):
    document = selectors.document_for_staff(request.user, pk)
    try:
        services.record_initial_check(
            actor=request.user,
            document=document,
            passed=request.POST.get("result") == "pass",
            message=request.POST.get("message", ""),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The initial check was recorded."))
    return redirect("documents:initial_checks", pk=document.application.program_id)


@staff_required()
def application_documents(request, pk):
    application = get_object_or_404(applications_for_staff(request.user), pk=pk)
    documents = list(
        selectors.documents_for_staff(request.user).filter(application=application).order_by(
            "requirement__order", "-uploaded_at"
        )
    )  # fmt: skip
    return render(request, "documents/office_application.html", {"application": application, "documents": documents})


@staff_required()
def application_packet(request, pk):
    application = get_object_or_404(applications_for_staff(request.user), pk=pk)
    record_access(staff=request.user, applicant_id=application.applicant_id, kind=AccessKind.PACKET,
                  detail=f"application #{application.pk}")  # fmt: skip
    # Spilled to disk past 8 MB; FileResponse closes (and so deletes) it when the response is done.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    build_application_packet(application, handle)
    handle.seek(0)
    response = FileResponse(handle, content_type="application/pdf", filename=packet_filename(application))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required()
def program_packets(request, pk):
    program = program_for_staff(request.user, pk)
    if request.method == "POST":
        services.request_packet_build(actor=request.user, program=program)
        messages.success(request, _("The packets are being built; this page shows the progress."))
        return redirect("documents:program_packets", pk=program.pk)
    builds = list(PacketBuild.objects.filter(program=program)[:5])
    if request.headers.get("Accept", "").startswith("application/json"):
        latest = builds[0] if builds else None
        return JsonResponse({"status": latest.status if latest else "", "percent": latest.percent if latest else 0})
    template = "documents/_packet_builds.html" if request.GET.get("partial") else "documents/office_packets.html"
    return render(request, template, {"program": program, "builds": builds})


@staff_required()
@require_POST
def packet_retry(request, pk):
    build = get_object_or_404(PacketBuild, pk=pk)
    program_for_staff(request.user, build.program_id)  # 404 outside the staff member's programmes
    try:
        services.retry_packet_build(actor=request.user, build=build)
        messages.success(request, _("The packets are being built again; this page shows the progress."))
    except DomainError as refusal:
        messages.error(request, str(refusal))
    return redirect("documents:program_packets", pk=build.program_id)


@staff_required()
def packet_download(request, pk):
    build = get_object_or_404(PacketBuild, pk=pk, status=PacketBuild.Status.DONE)
    program_for_staff(request.user, build.program_id)  # 404 outside the staff member's programmes
    if not build.file:
        raise Http404
    # The zip holds the packet of every active application of the programme: each applicant's access is logged.
    applicants = Application.objects.active().filter(program_id=build.program_id).values_list("applicant_id", flat=True)
    record_accesses(staff=request.user, kind=AccessKind.PACKET, applicant_ids=applicants,
                    detail=f"packets of the programme (build #{build.pk})")  # fmt: skip
    response = FileResponse(build.file.open("rb"), as_attachment=True, filename=build.file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response
