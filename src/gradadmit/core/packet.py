"""The review packet of one application: a cover page, then the parts other apps contribute, one bookmark each.

Apps register part providers in their AppConfig.ready(); a provider takes an application
and returns PacketPart objects in order. The packet knows only this registry.
"""

import io
import tempfile
from dataclasses import dataclass
from datetime import datetime

import pikepdf
from PIL import Image


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


def image_to_pdf(stream) -> bytes:
    """One A4-wide page holding the image (photos in the packet)."""
    with Image.open(stream) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "PDF", resolution=150)
    return out.getvalue()


def assemble_packet(*, cover_pdf: bytes, parts: list[PacketPart], cover_title: str, output) -> int:
    """Write cover + parts to `output` (a path or binary file) with one bookmark per part. Returns pages."""
    sources = []
    try:
        with pikepdf.open(io.BytesIO(cover_pdf)) as cover, tempfile.TemporaryDirectory():
            packet = pikepdf.new()
            packet.pages.extend(cover.pages)
            marks = [(cover_title, 0)]
            for part in parts:
                with part.open() as stream:
                    data = image_to_pdf(stream) if part.kind == "image" else stream.read()
                source = pikepdf.open(io.BytesIO(data))
                sources.append(source)
                marks.append((part.title, len(packet.pages)))
                packet.pages.extend(source.pages)
            with packet.open_outline() as outline:
                outline.root.extend(pikepdf.OutlineItem(title, page) for title, page in marks)
            packet.save(output)
            return len(packet.pages)
    finally:
        for source in sources:
            source.close()
