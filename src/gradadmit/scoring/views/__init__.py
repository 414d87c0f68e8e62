"""Scoring views by audience: applicant, office (and department staff), reviewer, public."""

from gradadmit.core.files import serve_stored_file


def serve_appeal_attachment(request, appeal):
    """An appeal's PDF attachment; the calling view has already checked who may see it."""
    return serve_stored_file(
        appeal.attachment,
        content_type="application/pdf",
        filename=f"appeal-{appeal.pk}.pdf",
        download=request.GET.get("download"),
    )
