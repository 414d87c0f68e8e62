"""The shared PDF renderer: Chinese text that can be read back, small subset fonts, rare characters, no network.

Text is read back with poppler's ``pdftotext`` and pages looked at with ``pdftoppm`` (poppler-utils).
"""

import base64
import io
import re
import socket
import subprocess
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pikepdf
import pytest
from django.utils import translation
from fontTools.ttLib import TTFont
from PIL import Image

from gradadmit.core import pdf

SLIP = "國立臺灣大學碩士班招生考試繳費單，請於繳費期限前至便利商店或金融機構繳納；逾期未繳費者視同放棄報名資格。"
RARE = "堃喆綉"  # common in names, outside Big5: not in the prepared font


def page(body: str, style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8"><style>'
        'html { font-family: "GradAdmit Sans TC", "Noto Sans CJK TC", sans-serif; }' + style + "</style></head>"
        f"<body>{body}</body></html>"
    )


def text_of(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def font_names(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as document:
        return sorted(
            {
                str(font.get("/BaseFont"))
                for pdf_page in document.pages
                for font in pdf_page.Resources.get("/Font", {}).values()
            }
        )


def png_of(data: bytes, tmp_path, name: str) -> Image.Image:
    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
        check=True,
    )
    return Image.open(tmp_path / f"{name}.png").convert("L")


def test_chinese_text_can_be_extracted(tmp_path):
    data = pdf.html_to_pdf(page(f"<h1>繳費單 Payment slip</h1><p>{SLIP}</p>"))

    text = squeeze(text_of(data, tmp_path))

    assert squeeze(f"繳費單 Payment slip{SLIP}") in text


def test_fonts_are_embedded_as_subsets_of_the_prepared_font_and_the_page_stays_small():
    body = f"<h1>繳費單</h1><p>{SLIP * 6}</p><table>" + "<tr><td>資訊工程學系</td><td>1,500</td></tr>" * 6 + "</table>"

    data = pdf.html_to_pdf(page(body))

    names = font_names(data)
    assert names and all(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in names), names
    assert any("GradAdmit-Sans-TC" in name for name in names), names
    assert len(data) < 300_000, f"{len(data)} bytes for one page"


def test_character_outside_the_prepared_font_still_renders(tmp_path):
    cmap = TTFont(pdf.prepare_fonts()[400]).getBestCmap()
    assert not any(ord(char) in cmap for char in RARE), "test needs characters the prepared font lacks"

    data = pdf.html_to_pdf(page(f"<p>考生 林{RARE} {SLIP}</p>"))

    assert f"林{RARE}" in squeeze(text_of(data, tmp_path))
    assert any("Noto-Sans-CJK-TC" in name for name in font_names(data)), "the system font is the fallback"


def test_glyphs_are_drawn_not_empty_boxes(tmp_path):
    style = "p { font-size: 60pt; margin: 0; }"
    first = png_of(pdf.html_to_pdf(page("<p>國</p>", style)), tmp_path, "first")
    second = png_of(pdf.html_to_pdf(page("<p>臺</p>", style)), tmp_path, "second")

    assert first.tobytes() != second.tobytes(), "two different characters look the same (tofu)"


def test_renders_from_several_threads_at_once_all_succeed(tmp_path):
    bodies = [f"<p>第 {n} 份 {SLIP}</p>" for n in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda body: pdf.html_to_pdf(page(body)), bodies))

    for n, data in enumerate(results):
        assert squeeze(f"第 {n} 份") in squeeze(text_of(data, tmp_path))


def test_remote_urls_are_not_fetched(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = page(
        '<link rel="stylesheet" href="https://example.invalid/style.css">'
        '<p>照片</p><img src="http://example.invalid/x.png"><img src="//example.invalid/y.png">'
    )

    started = time.monotonic()
    data = pdf.html_to_pdf(html)

    assert data.startswith(b"%PDF")
    assert attempts == []
    assert time.monotonic() - started < 5


def test_data_uri_images_are_embedded_but_files_outside_static_are_not(tmp_path):
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    (tmp_path / "secret.png").write_bytes(image.getvalue())
    data_uri = "data:image/png;base64," + base64.b64encode(image.getvalue()).decode()

    def image_count(src: str) -> int:
        with pikepdf.open(io.BytesIO(pdf.html_to_pdf(page(f'<img src="{src}">')))) as document:
            return len(document.pages[0].get_images())

    assert image_count(data_uri) == 1
    assert image_count((tmp_path / "secret.png").as_uri()) == 0


def test_static_files_are_embedded_by_their_static_url(settings, tmp_path):
    (tmp_path / "static").mkdir()
    Image.new("RGB", (8, 8), "blue").save(tmp_path / "static" / "seal.png")
    settings.STATICFILES_DIRS = [tmp_path / "static"]

    data = pdf.html_to_pdf(page(f'<img src="{settings.STATIC_URL}seal.png">'))

    with pikepdf.open(io.BytesIO(data)) as document:
        assert len(document.pages[0].get_images()) == 1


def test_render_pdf_uses_the_language_given(tmp_path):
    chinese = squeeze(text_of(pdf.render_pdf("pdf/base.html", {}, language="zh-hant"), tmp_path))
    with translation.override("zh-hant"):
        english = squeeze(text_of(pdf.render_pdf("pdf/base.html", {}, language="en"), tmp_path))
        active_after = translation.get_language()

    assert "第1頁／共1頁" in chinese
    assert "Page1of1" in english
    assert active_after == "zh-hant"


def test_cached_renders_reuse_the_pdf_of_equal_html_and_render_changed_html_again(monkeypatch):
    from django.core.cache import cache

    cache.clear()
    renders = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, **kw: renders.append(html) or real(html, **kw))
    first = pdf.render_pdf("pdf/base.html", {}, language="zh-hant", cache_seconds=60)
    again = pdf.render_pdf("pdf/base.html", {}, language="zh-hant", cache_seconds=60)
    english = pdf.render_pdf("pdf/base.html", {}, language="en", cache_seconds=60)
    uncached = pdf.render_pdf("pdf/base.html", {}, language="zh-hant")
    assert first == again and first.startswith(b"%PDF")
    assert english != first
    assert len(renders) == 3  # zh-hant once, en once, and the uncached call always renders
    assert uncached.startswith(b"%PDF")


def test_qr_code_is_an_svg_data_uri_that_draws(tmp_path):
    uri = pdf.qr_svg_data_uri("GA-115-000123")
    assert uri.startswith("data:image/svg+xml")
    assert "<path" in urllib.parse.unquote(uri)

    image = png_of(pdf.html_to_pdf(page(f'<img src="{uri}" style="width: 40mm">')), tmp_path, "qr")

    dark = sum(1 for value in image.getdata() if value < 128)
    assert dark > 500, "the QR code is not drawn"


def test_prepare_fonts_builds_once_and_then_reuses_the_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    built = []

    paths = pdf.prepare_fonts(built=built)
    again = []
    pdf.prepare_fonts(built=again)

    assert [font.path for font in built] == list(paths.values())
    assert again == []
    assert all(path.parent == tmp_path / "fonts" and path.stat().st_size > 1_000_000 for path in paths.values())


@pytest.mark.parametrize("char", ["臺", "灣", "碁", "ㄅ", "Ω", "（", "Ａ"])
def test_prepared_font_covers_big5_bopomofo_and_full_width_forms(char):
    assert ord(char) in TTFont(pdf.prepare_fonts()[400]).getBestCmap()
