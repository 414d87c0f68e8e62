"""Clean PDFs of a real size for the benchmarks: pages holding uncompressed images of random (incompressible) bytes.

No JavaScript, no attachments, no actions: gradadmit.core.uploads.check_pdf stores such a file byte for byte. The
size is exact: whitespace after %%EOF (allowed, and within the 1 KiB tail window check_pdf accepts) makes up the rest.
"""

import io
import os

import pikepdf

IMAGE_WIDTH = 1000  # pixels (DeviceGray, 8 bits): one byte a pixel
A4 = (595, 842)


def image_pdf(pages: int, image_bytes: int, extra: int = 0) -> bytes:
    """`pages` A4 pages, each one image of about `image_bytes` random bytes, streams stored uncompressed.

    `extra` random bytes more go to a stream hung off the catalogue (/PieceInfo-like data, not active content).
    """
    height = max(1, image_bytes // IMAGE_WIDTH)
    pdf = pikepdf.new()
    if extra:
        pdf.Root["/BenchPadding"] = pdf.make_stream(os.urandom(extra))
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=A4)
        image = pdf.make_stream(
            os.urandom(IMAGE_WIDTH * height),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=IMAGE_WIDTH,
            Height=height,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=8,
        )
        page.obj["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj["/Contents"] = pdf.make_stream(f"q {A4[0]} 0 0 {A4[1]} 0 0 cm /Im0 Do Q".encode())
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def pdf_of_size(size: int, pages: int = 1) -> bytes:
    """A clean PDF of exactly `size` bytes with `pages` image pages (distinct random content on every call)."""
    probe = image_pdf(pages, 10 * IMAGE_WIDTH, extra=10)
    overhead = len(probe) - pages * 10 * IMAGE_WIDTH - 10
    budget = size - overhead - 200  # slack for longer /Length and offset digits
    rows = budget // pages // IMAGE_WIDTH
    data = image_pdf(pages, rows * IMAGE_WIDTH, extra=max(1, budget - pages * rows * IMAGE_WIDTH))
    if not len(data) <= size < len(data) + 1000:  # the height is rounded down to whole rows of IMAGE_WIDTH
        raise ValueError(f"cannot make a PDF of {size} bytes with {pages} pages (got {len(data)})")
    return data + b"\n" * (size - len(data))
