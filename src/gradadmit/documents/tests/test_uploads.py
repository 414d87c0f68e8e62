"""Checking uploads by content: every kind of bad file gets a clear error and changes nothing."""

import io

import pikepdf
import pytest
from PIL import Image

from gradadmit.core.uploads import MB, UploadRejected, check_pdf, check_photo, clean_filename
from gradadmit.testing.files import pdf_bytes, pdf_of_size, photo_bytes, upload

LIMIT = 5 * MB
pytestmark = pytest.mark.usefixtures("english_messages")


def rejected(content, name="file.pdf"):
    with pytest.raises(UploadRejected) as error:
        check_pdf(upload(name, content), max_bytes=LIMIT)
    return str(error.value)


def test_a_plain_pdf_is_kept_byte_for_byte():
    data = pdf_bytes(pages=2)
    checked = check_pdf(upload("a.pdf", data), max_bytes=LIMIT)
    assert checked.content is None and checked.pages == 2 and not checked.sanitized


def test_renamed_executable_is_not_a_pdf():
    assert "not a PDF" in rejected(b"\x7fELF\x02\x01\x01" + b"\x00" * 500)
    assert "not a PDF" in rejected(b"MZ\x90\x00\x03" + b"\x00" * 500, name="setup.exe.pdf")


def test_html_renamed_to_pdf_is_not_a_pdf():
    assert "not a PDF" in rejected(b"<!DOCTYPE html><html><script>alert(1)</script></html>")


def test_zero_bytes():
    assert "empty" in rejected(b"")


def test_truncated_pdf():
    data = pdf_bytes(pages=3)
    assert rejected(data[: len(data) // 2])


def test_damaged_pdf_that_needs_repair_is_refused():
    data = pdf_bytes(pages=1)
    # Break the cross-reference offsets: qpdf can repair it, we do not accept repaired files.
    broken = data.replace(b"startxref\n", b"startxref\n9").replace(b"xref\n", b"xrfe\n", 1)
    assert "damaged" in rejected(broken)


def test_encrypted_pdf():
    assert "password" in rejected(pdf_bytes(encrypt=True))


def test_pdf_with_javascript_open_action_is_cleaned():
    checked = check_pdf(upload("js.pdf", pdf_bytes(javascript=True)), max_bytes=LIMIT)
    assert checked.sanitized
    with pikepdf.open(io.BytesIO(checked.content)) as cleaned:
        assert "/OpenAction" not in cleaned.Root


def test_pdf_with_embedded_file_is_cleaned():
    checked = check_pdf(upload("att.pdf", pdf_bytes(attachment=True)), max_bytes=LIMIT)
    assert checked.sanitized
    with pikepdf.open(io.BytesIO(checked.content)) as cleaned:
        assert len(cleaned.attachments) == 0


def test_polyglot_with_html_after_the_end_is_refused():
    data = pdf_bytes() + b"<html><script>alert(document.cookie)</script></html>" * 30
    assert "after its end" in rejected(data)


def test_polyglot_with_a_zip_appended_is_refused():
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.txt", "x" * 2000)
    assert rejected(pdf_bytes() + archive.getvalue())


def test_exactly_at_the_limit_is_accepted_and_one_byte_over_is_refused():
    assert check_pdf(upload("max.pdf", pdf_of_size(LIMIT)), max_bytes=LIMIT).size == LIMIT
    assert "limit" in rejected(pdf_of_size(LIMIT + 1))


def test_page_limit():
    with pytest.raises(UploadRejected):
        check_pdf(upload("long.pdf", pdf_bytes(pages=4)), max_bytes=LIMIT, max_pages=3)


def test_pdf_without_pages():
    pdf = pikepdf.new()
    out = io.BytesIO()
    pdf.save(out)
    assert "no pages" in rejected(out.getvalue())


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("cv\x00.pdf.exe", "cv.pdf.exe"),
        ("履歷 🎓 final.pdf", "履歷 🎓 final.pdf"),
        ("", "file"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_clean_filename(given, expected):
    assert clean_filename(given) == expected


def test_long_filename_keeps_its_extension():
    name = clean_filename("推" * 300 + "🎓.pdf")
    assert len(name) <= 180 and name.endswith(".pdf")


def test_photo_is_reencoded_without_location():
    checked = check_photo(upload("me.jpg", photo_bytes(gps=True), "image/jpeg"), max_bytes=LIMIT)
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_png_photo_is_accepted():
    checked = check_photo(upload("me.png", photo_bytes(fmt="PNG"), "image/png"), max_bytes=LIMIT)
    assert checked.content_type == "image/jpeg"


def test_photo_that_is_not_an_image_or_wrong_format():
    for content in [pdf_bytes(), b"<svg xmlns='http://www.w3.org/2000/svg'/>", photo_bytes(fmt="GIF")]:
        with pytest.raises(UploadRejected):
            check_photo(upload("me.jpg", content, "image/jpeg"), max_bytes=LIMIT)


def test_photo_too_small():
    with pytest.raises(UploadRejected):
        check_photo(upload("me.jpg", photo_bytes(size=(50, 60)), "image/jpeg"), max_bytes=LIMIT)
