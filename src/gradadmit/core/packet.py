"""The review packet of one application: a cover page, then the parts other apps contribute, one bookmark each.

Apps register part providers in their AppConfig.ready(); a provider takes an application
and returns PacketPart objects in order. The packet knows only this registry.
"""

import io
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
from PIL import Image

CHUNK = 1024 * 1024  # bytes: copying a part to its temporary file


@dataclass
class PacketPart:
    order: int
    title: str
    open: callable  # returns a binary file object of a PDF or a JPEG/PNG image
    kind: str = "pdf"  # "pdf" or "image"
    uploaded_at: datetime | None = None


class PacketRegistry:
    def __init__(self):
        self.providers = []

    def register(self, provider):
        if provider not in self.providers:
            self.providers.append(provider)
        return provider

    def parts_for(self, application) -> list[PacketPart]:
        parts = [part for provider in self.providers for part in provider(application)]
        return sorted(parts, key=lambda part: part.order)


packet_registry = PacketRegistry()


A4 = (595.28, 841.89)  # points
IMAGE_MARGIN = 56.7  # points (2 cm)


def image_to_pdf(stream) -> bytes:
    """One A4 page holding the image centred near the top, at most its natural size at 150 dpi (photos)."""
    with Image.open(stream) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "PDF", resolution=150)
    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    page = pdf.pages[0]
    box = page.mediabox
    width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    scale = min(1.0, (A4[0] - 2 * IMAGE_MARGIN) / width, (A4[1] - 2 * IMAGE_MARGIN) / height)
    x = (A4[0] - width * scale) / 2
    y = A4[1] - IMAGE_MARGIN - height * scale
    page.contents_add(pdf.make_stream(f"q {scale:.4f} 0 0 {scale:.4f} {x:.2f} {y:.2f} cm".encode()), prepend=True)
    page.contents_add(pdf.make_stream(b"Q"))
    page.mediabox = pikepdf.Array([0, 0, *A4])
    result = io.BytesIO()
    pdf.save(result)
    return result.getvalue()


def assemble_packet(*, cover_pdf: bytes, parts: list[PacketPart], cover_title: str, output) -> int:
    """Write cover + parts to `output` (a path or binary file) with one bookmark per part. Returns pages.

    Each part is copied in chunks to a temporary file and opened from there: qpdf reads page content lazily from
    the files while it writes the packet, so memory stays bounded by qpdf's own working set, not by the sum of the
    parts (they all stay open until the save, and their bytes used to be held in Python memory meanwhile).
    """
    sources = []
    with pikepdf.open(io.BytesIO(cover_pdf)) as cover, tempfile.TemporaryDirectory() as folder:
        try:
            packet = pikepdf.new()
            packet.pages.extend(cover.pages)
            marks = [(cover_title, 0)]
            for number, part in enumerate(parts):
                path = Path(folder) / f"part-{number}.pdf"
                with part.open() as stream, path.open("wb") as spool:
                    if part.kind == "image":
                        spool.write(image_to_pdf(stream))
                    else:
                        shutil.copyfileobj(stream, spool, CHUNK)
                source = pikepdf.open(path)
                sources.append(source)
                marks.append((part.title, len(packet.pages)))
                packet.pages.extend(source.pages)
            with packet.open_outline() as outline:
                outline.root.extend(pikepdf.OutlineItem(title, page) for title, page in marks)
            packet.save(output)
            return len(packet.pages)
        finally:
            for source in sources:  # before the temporary files go
                source.close()
