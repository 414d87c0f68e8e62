"""Checking uploaded files by content, never by name: PDFs with pikepdf, photos with Pillow.

Shared by documents and recommendation letters. Every refusal raises UploadRejected
with a translated message that tells the person what to do.

Active content policy: JavaScript (document and page actions, name trees), launch and other
auto-run actions, embedded files and file attachments, rich media and XFA forms are
REMOVED, and the cleaned PDF is stored instead of the upload (`CheckedFile.sanitized`).
Every object of the file is walked, not only the places a viewer looks first, and the
cleaned file is opened and walked again before it is accepted: anything left refuses the
upload (fail closed). A PDF without active content is stored byte for byte as uploaded.
"""

import errno
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

import pikepdf
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gradadmit.core.errors import DomainError
from gradadmit.core.metrics import STORAGE_FAILURES, UPLOADS_REFUSED

logger = logging.getLogger(__name__)
MB = 1024 * 1024
PDF_TAIL_WINDOW = 1024  # %%EOF must be in the last KiB (PDF spec allows trailing whitespace only)
PHOTO_MIN_SIDE, PHOTO_MAX_SIDE = 200, 6000
PHOTO_MAX_PIXELS = 40_000_000
# Removed wherever they appear: additional (event) actions, associated files, JavaScript, embedded files name
# tree, XFA forms (scripted) and the flag that asks a viewer to render XFA.
DANGEROUS_KEYS = frozenset({"/AA", "/AF", "/JS", "/EF", "/JavaScript", "/EmbeddedFiles", "/XFA", "/NeedsRendering"})
# Removed as a whole, from every dictionary or array that refers to them (actions also sit in /OpenAction, /A,
# /Next): running code or programs, sending or importing data, reaching into embedded files. Links (/URI, /GoTo,
# /GoToR, /Named) stay.
DANGEROUS_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/Rendition", "/GoToE", "/RichMediaExecute"}
)
# Annotations that carry files, media players or 3D scenes (whose streams may hold JavaScript).
DANGEROUS_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"})
# Spelled plainly in the raw bytes, these mean an object the cross-reference table does not list (an older
# revision, a hidden orphan) may hold active content: the file is rewritten from what the table lists.
RAW_MARKERS = re.compile(rb"/(?:JavaScript|EmbeddedFile|Launch)")  # one pass: ~1 ms a megabyte


class UploadRejected(DomainError):
    """A refused file. `reason` is a short code counted in gradadmit_uploads_refused_total (no personal data)."""

    def __init__(self, message, *, reason: str = "other"):
        super().__init__(message, code="upload_rejected")
        self.reason = reason
        UPLOADS_REFUSED.labels(reason=reason).inc()


class StorageUnavailable(DomainError):
    """The storage failed to keep a checked file (disk full, bucket unreachable): nothing was recorded."""

    def __init__(self):
        super().__init__(
            _("The server could not store your file right now. Your previous file is kept; please try again in a "
              "few minutes, and contact the admissions office if it keeps happening."),
            code="storage_unavailable",
        )  # fmt: skip


@dataclass
class CheckedFile:
    content: bytes | None  # replacement bytes when sanitised or re-encoded; None: store the upload as is
    size: int
    sha256: str
    content_type: str
    extension: str
    pages: int | None = None
    sanitized: bool = False


def clean_filename(name: str, limit: int = 180) -> str:
    """The original name kept as data: no path, no control characters, bounded length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".") or "file"
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:limit]
    return name


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _check_size(size: int, max_bytes: int):
    if size == 0:
        raise UploadRejected(
            _("The file is empty (0 bytes). Choose the right file and upload it again."), reason="empty"
        )
    if size > max_bytes:
        shown, limit = human_size(size), human_size(max_bytes)
        if shown == limit:  # just over: rounded figures would read "5.0 MB; the limit is 5.0 MB"
            shown, limit = f"{size:,} B", f"{max_bytes:,} B"
        raise UploadRejected(
            _("The file is %(size)s; the limit for this item is %(limit)s. Make it smaller and upload it again.")
            % {"size": shown, "limit": limit},
            reason="too_large",
        )


def human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_pdf(upload, *, max_bytes: int, max_pages: int | None = None) -> CheckedFile:
    """A real, intact, unencrypted PDF with pages; active content removed. Raises UploadRejected."""
    size = upload.size
    _check_size(size, max_bytes)
    data = _read_all(upload)
    if not data.startswith(b"%PDF-"):
        raise UploadRejected(
            _("This file is not a PDF (whatever its name says). Save or export it as PDF."), reason="not_pdf"
        )
    if b"%%EOF" not in data[-PDF_TAIL_WINDOW:] or data[data.rindex(b"%%EOF") + 5 :].strip():
        raise UploadRejected(
            _("This PDF is incomplete or has data after its end (damaged, truncated or disguised). Export it again."),
            reason="truncated",
        )
    try:
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False, suppress_warnings=True)
    except pikepdf.PasswordError as error:
        raise UploadRejected(
            _("This PDF is password-protected. Remove the password and upload it again."), reason="encrypted"
        ) from error
    except pikepdf.PdfError as error:
        raise UploadRejected(
            _("This PDF is damaged and cannot be opened. Export it again and upload it."), reason="damaged"
        ) from error
    with pdf:
        if pdf.is_encrypted:
            raise UploadRejected(
                _("This PDF is encrypted. Save it without protection and upload it again."), reason="encrypted"
            )
        try:
            pages = len(pdf.pages)
        except pikepdf.PdfError as error:
            raise UploadRejected(
                _("This PDF is damaged and cannot be opened. Export it again and upload it."), reason="damaged"
            ) from error
        if pdf.get_warnings():
            # qpdf had to repair the file: we do not accept what the parser silently fixes.
            raise UploadRejected(
                _("This PDF is damaged (it needed repair to open). Export it again and upload it."), reason="damaged"
            )
        if pages == 0:
            raise UploadRejected(_("This PDF has no pages."), reason="no_pages")
        if max_pages and pages > max_pages:
            raise UploadRejected(
                _("This PDF has %(pages)d pages; the limit for this item is %(limit)d.")
                % {"pages": pages, "limit": max_pages},
                reason="too_many_pages",
            )
        # Objects outside the cross-reference table (an older revision, a hidden orphan) are invisible to the walk
        # but would be kept in a byte-for-byte copy: a plainly spelled marker in the raw bytes means rewrite.
        sanitized = remove_active_content(pdf) or RAW_MARKERS.search(data) is not None
        if sanitized:
            out = io.BytesIO()
            try:
                pdf.save(out)
            except pikepdf.PdfError as error:  # e.g. the catalogue itself was an action and had to go
                raise _not_removable() from error
            data = out.getvalue()
    if sanitized:
        _recheck_sanitized(data, pages)
    return CheckedFile(
        content=data if sanitized else None,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        extension="pdf",
        pages=pages,
        sanitized=sanitized,
    )


def _recheck_sanitized(data: bytes, pages: int) -> None:
    """Fail closed: open what will be stored and walk it again; anything left refuses the upload."""
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False, suppress_warnings=True) as cleaned:
            remaining = find_active_content(cleaned)
            intact = len(cleaned.pages) == pages and not cleaned.get_warnings()
    except pikepdf.PdfError:
        remaining, intact = ["unreadable"], False
    if remaining or not intact:
        raise _not_removable()


def _not_removable() -> UploadRejected:
    return UploadRejected(
        _(
            "This PDF contains scripts or attached files that could not be removed safely. Print it to a new PDF "
            "(Print, then Save as PDF) and upload that file."
        ),
        reason="active_content",
    )


def remove_active_content(pdf: pikepdf.Pdf) -> bool:
    """Remove JavaScript, launch and other dangerous actions, embedded files, rich media and XFA. True if any.

    Every object of the file is visited (not only the catalogue, pages and annotations, where a crafted file need
    not put them): a dangerous object is cut out of every dictionary or array that refers to it, so the writer,
    which copies only what the trailer reaches, leaves it behind; dangerous keys are deleted wherever they are.
    """
    if not find_active_content(pdf):
        return False  # the common case: one read-only pass
    _cut_active_content(pdf)
    return True


def find_active_content(pdf: pikepdf.Pdf) -> list[str]:
    """What `remove_active_content` removes, as short descriptions; empty for a clean file.

    Read-only and linear: each object once, each dictionary's entries read in one call (pikepdf calls dominate).
    An object nothing refers to counts too: it is in the file, and the rewrite leaves it out.
    """
    found = []
    for entries in _containers(pdf):
        if entries is None:
            continue
        found.extend(entries.keys() & DANGEROUS_KEYS)
        if reason := _dangerous(entries):
            found.append(reason)
    return found


def _containers(pdf: pikepdf.Pdf):
    """The entries (a dict) of every dictionary and stream of the file, None for each array; nested ones too."""
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            entries = dict(obj.items())
            values = entries.values()
            yield entries
        elif isinstance(obj, pikepdf.Array):
            values = obj
            yield None
        else:
            continue
        pending.extend(v for v in values if isinstance(v, (pikepdf.Dictionary, pikepdf.Array)) and not v.is_indirect)


def _cut_active_content(pdf: pikepdf.Pdf) -> None:
    """Delete dangerous keys everywhere and cut dangerous objects out of whatever refers to them."""
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for key, value in list(obj.items()):
                if key in DANGEROUS_KEYS or _dangerous_object(value):
                    del obj[key]
                elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                    pending.append(value)
        elif isinstance(obj, pikepdf.Array):
            index = len(obj) - 1
            while index >= 0:
                value = obj[index]
                if _dangerous_object(value):
                    del obj[index]
                    # A name tree leaf holds (name, value) pairs: the name goes with its value.
                    if index and len(obj) % 2 and isinstance(obj[index - 1], pikepdf.String):
                        del obj[index - 1]
                        index -= 1
                elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                    pending.append(value)
                index -= 1


def _dangerous_object(obj) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and _dangerous(dict(obj.items())) is not None


def _dangerous(entries: dict) -> str | None:
    """Why a dictionary with these entries must go as a whole (embedded file, dangerous action or annotation)."""
    if "/EF" in entries:
        return "file specification with an embedded file"
    if "/JS" in entries:
        return "JavaScript"
    if "/Type" in entries and str(entries["/Type"]) == "/EmbeddedFile":
        return "embedded file"
    if "/S" in entries and (action := str(entries["/S"])) in DANGEROUS_ACTIONS:
        return f"{action} action"
    if "/Subtype" in entries and (subtype := str(entries["/Subtype"])) in DANGEROUS_ANNOTATIONS:
        return f"{subtype} annotation"
    return None


def check_photo(upload, *, max_bytes: int) -> CheckedFile:
    """A JPEG or PNG by content, within bounds; re-encoded as JPEG so metadata (location) is dropped."""
    _check_size(upload.size, max_bytes)
    data = _read_all(upload)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ("JPEG", "PNG"):
            raise UploadRejected(_("The photo must be a JPEG or PNG image."), reason="not_image")
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS or max(width, height) > PHOTO_MAX_SIDE:
                raise UploadRejected(
                    _("The photo is too large (%(w)d × %(h)d pixels). Use at most %(max)d pixels a side.")
                    % {"w": width, "h": height, "max": PHOTO_MAX_SIDE},
                    reason="image_too_large",
                )
            if min(width, height) < PHOTO_MIN_SIDE:
                raise UploadRejected(
                    _("The photo is too small (%(w)d × %(h)d pixels). Use at least %(min)d pixels a side.")
                    % {"w": width, "h": height, "min": PHOTO_MIN_SIDE},
                    reason="image_too_small",
                )
            image = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=90, optimize=True)  # no exif=: metadata is dropped
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UploadRejected(_("The photo must be a JPEG or PNG image."), reason="not_image") from error
    content = out.getvalue()
    return CheckedFile(
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="image/jpeg",
        extension="jpg",
        sanitized=True,
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes the limit, so an oversize upload never fills the disk.

    Install before the request body is read (the view must be csrf_exempt and check CSRF
    itself, as Django documents). `exceeded` tells the view what happened.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if not self.exceeded:
                UPLOADS_REFUSED.labels(reason="too_large").inc()
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def storage_errors() -> tuple[type[BaseException], ...]:
    """What a storage raises when it cannot keep a file: OSError locally (ENOSPC: the disk is full), boto's on S3."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # local files only
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def store_file(field_file, name: str, content, *, sha256: str = "") -> None:
    """Save `content` into a model's file field without saving the model (FieldFile.save(..., save=False)).

    `sha256`, the hex digest of content's bytes when the caller computed it (CheckedFile.sha256), goes along as
    content.sha256: the S3 storage sends it as the object's checksum without hashing the file again (core.storage).

    A storage failure raises StorageUnavailable, a translated message for the person, after removing
    whatever part of the file was written (a full disk leaves a truncated file behind otherwise).
    The target name is chosen here, from the field's upload_to, so the part can be found.
    """
    field, storage = field_file.field, field_file.storage
    if sha256:
        content.sha256 = sha256
    target = field.generate_filename(field_file.instance, name)
    try:
        # On S3 a generated (uuid4) name is taken without a request (core.storage); any other is checked.
        target = storage.get_available_name(target, max_length=field.max_length)
        stored = storage.save(target, content, max_length=field.max_length)
    except storage_errors() as error:
        disk_full = isinstance(error, OSError) and error.errno == errno.ENOSPC
        STORAGE_FAILURES.labels(kind="disk_full" if disk_full else "other").inc()
        logger.error("storage could not keep a file (%s)", "disk full" if disk_full else type(error).__name__,
                     exc_info=error)  # fmt: skip
        _remove_partial(storage, target)
        raise StorageUnavailable() from error
    field_file.name = stored
    setattr(field_file.instance, field.attname, stored)


def _remove_partial(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except storage_errors():  # the storage is failing; the orphan, if any, holds no record
        logger.warning("storage: could not remove a partly written file")
