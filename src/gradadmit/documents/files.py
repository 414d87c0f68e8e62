"""Serving a stored document (see core.files for the headers)."""

from gradadmit.core.files import serve_stored_file


def serve_document(document, *, download=False):
    return serve_stored_file(
        document.file,
        content_type=document.content_type,
        filename=f"{document.requirement.code}.{document.extension}",
        download=download,
    )
