"""Serving stored documents through permission-checked views only, with safe headers."""

from urllib.parse import quote

from django.http import FileResponse


def serve_document(document, *, download=False) -> FileResponse:
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    disposition = "attachment" if download else "inline"
    name = f"{document.requirement.code}.{document.extension}"
    response["Content-Disposition"] = f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A PDF viewer may run in the browser; nothing else of ours runs in its origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
