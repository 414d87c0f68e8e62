"""Serving stored files through permission-checked views only, with safe headers (documents, letters, receipts)."""

from urllib.parse import quote

from django.http import FileResponse


def serve_stored_file(field_file, *, content_type: str, filename: str, download=False) -> FileResponse:
    """Stream a stored file inline (or as a download) with headers that keep it from running as our page."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    disposition = "attachment" if download else "inline"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A PDF viewer may run in the browser; nothing else of ours runs in its origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
