"""Announcement views by audience: public (list, detail, attachments) and office (posting)."""

from gradadmit.core.files import serve_stored_file


def serve_attachment(request, attachment):
    """An announcement's PDF; the calling view has already checked who may see it."""
    return serve_stored_file(
        attachment.file,
        content_type="application/pdf",
        filename=attachment.original_name,
        download=bool(request.GET.get("download")),
    )
