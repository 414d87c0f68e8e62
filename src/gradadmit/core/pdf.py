"""Chinese PDFs from HTML (tickets, payment slips, letters, packet covers): WeasyPrint with a prepared CJK font.

Why a prepared font. Debian's Noto Sans CJK (fonts-noto-cjk) is one 19 MB TrueType collection of 65,535 CFF
glyphs. WeasyPrint embeds a per-document subset of every font it uses, and the cost of that subset grows with the
source font, not with the page. Measured with bench/bench_pdf.py (a one-page payment slip on pdf/base.html: 350 Han
characters, bold heading and table headers, a 6-row table, a QR code), WeasyPrint 70, HarfBuzz 6.0, 2 CPUs, median
of 20 warm renders:

    Latin-only reference page, DejaVu Sans, plain WeasyPrint      0.12 s    14 KB
    naive: plain WeasyPrint, system "Noto Sans CJK TC" (.ttc)     0.30 s   263 KB
    this module: prepared font, shared font set-up                0.17 s   151 KB   (ratio to Latin 0.70)
    naive when libharfbuzz-subset0 is missing (fontTools subset)  12.8 s   (similar page; the "10 s a page" trap)
    prepared font, same fontTools fallback                         3.7 s
    first render in a fresh data dir (builds the prepared font)    0.9 s   (import weasyprint: another 0.7-1 s)

So the first defence is HarfBuzz's hb-subset (libharfbuzz-subset0, which WeasyPrint >= 61 uses when present;
.ci/run installs it). On top of that we prepare, once, a reduced font: Noto Sans CJK TC (the Taiwan face of the
collection, so Taiwan glyph forms) cut down with hb-subset to Big5 (both levels, all of cp950: 13,000+ Han
characters, Bopomofo, punctuation) plus Latin, Greek, kana and the symbol blocks a form uses, with GSUB dropped
(its closure would pull in the Japanese/Korean/vertical variants and double the glyphs). Result: two 4 MB OpenType
files (Regular, Bold) built in 0.2-0.4 s each, so the per-render subset works on a fifth of the data and the
PDF embeds smaller subsets. The FontConfiguration and the @font-face stylesheet are made once per process and
reused (WeasyPrint skips an @font-face it has registered), which saves another ~25 ms a render. Fonts appear in
the PDF as subsets ("ABCDEF+GradAdmit-Sans-TC"), text stays extractable (ToUnicode maps), glyphs are the real
Noto outlines.

Characters outside Big5 (many personal names: 堃, 喆, 綉, 峯) still render: the CSS stack lists the full system
"Noto Sans CJK TC" after the prepared family, so Pango falls back to it per character; such a page pays the
system font's subset on top (about +0.02 s).

The prepared fonts live in ``settings.DATA_DIR / "fonts"``. ``manage.py prepare_pdf_fonts`` builds them; if they
are missing, the first render builds them under a file lock (other processes wait, threads share the result). If
the system font or libharfbuzz-subset is missing, rendering still works with whatever fontconfig offers, with a
warning in the log.

Safety and concurrency: the URL fetcher never goes to the network: it accepts ``data:`` URIs and local files under
the static directories and the font directory (``/static/...`` is looked up with the staticfiles finders); anything
else is refused and WeasyPrint leaves the image out. Renders are serialised per process with a lock: Pango and
fontconfig are not reliably thread-safe (WeasyPrint issues #684, #1402, #2144), the shared FontConfiguration is
one object, and a render is mostly Python holding the GIL anyway. WeasyPrint (about 1 s to import) is imported on first use, never at Django startup.
"""

import atexit
import contextlib
import ctypes
import ctypes.util
import fcntl
import gc
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

FONT_FAMILY = "GradAdmit Sans TC"
FALLBACK_FAMILY = "Noto Sans CJK TC"
SOURCE_FAMILY = "Noto Sans CJK TC"
FONT_VERSION = 1  # bump when the character set or the subsetting changes: a new file name means a rebuild
WEIGHTS = {400: "Regular", 700: "Bold"}
PDF_CACHE_VERSION = 1  # bump when the renderer's output changes for the same HTML (a WeasyPrint upgrade)

# Blocks a form, a letter or a name may use besides Big5.
EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (romanised names)
    (0x0300, 0x036F),  # combining marks (pinyin tones)
    (0x0370, 0x03FF),  # Greek
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x21FF),  # letterlike (℃, №), number forms (Ⅻ), arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x25FF),  # box drawing, geometric shapes (□ ■ ○ ●)
    (0x2600, 0x26FF),  # miscellaneous symbols (☐ ☑ ★)
    (0x2713, 0x2718),  # check marks
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana (Japanese applicants' names)
    (0x3100, 0x312F),  # Bopomofo
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility (㈱ ㎡)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
]

_render_lock = threading.Lock()
_fonts_lock = threading.Lock()
_fonts_css: dict[Path, str] = {}  # font dir -> the @font-face rules ("" when no prepared font could be made)
_font_setup_cache = None  # (font css, FontConfiguration, [CSS]) shared by renders, under _render_lock


class PDFFontError(RuntimeError):
    """The prepared font cannot be built (no source font, no libharfbuzz-subset)."""


# --- Rendering ------------------------------------------------------------------------------------------------


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document. Remote URLs are refused; see the module docstring for fonts and locking."""
    progress_log = logging.getLogger("weasyprint.progress")
    if progress_log.level == logging.NOTSET:  # 7 INFO lines a PDF, unless LOGGING asks for them
        progress_log.setLevel(logging.WARNING)
    from weasyprint import HTML

    font_css = prepared_font_css()
    with _render_lock:
        font_config, stylesheets = _font_setup(font_css)
        document = HTML(string=html, base_url=base_url or "file:///", url_fetcher=_local_url_fetcher())
        return document.write_pdf(stylesheets=stylesheets, font_config=font_config)


def _font_setup(font_css: str):
    """The process's FontConfiguration and @font-face stylesheet, made once; call with _render_lock held.

    Reusing them saves ~25 ms a render (fontconfig set-up, reading and registering 8 MB of font), and Pango keeps
    its loaded fonts. WeasyPrint's FontConfiguration skips an @font-face it has already registered.
    """
    global _font_setup_cache
    if _font_setup_cache is None or _font_setup_cache[0] != font_css:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        stylesheets = []
        if font_css:
            stylesheets.append(CSS(string=font_css, font_config=font_config, url_fetcher=_local_url_fetcher()))
        if _font_setup_cache is None:
            atexit.register(_drop_font_setup)
        _font_setup_cache = (font_css, font_config, stylesheets)
    return _font_setup_cache[1], _font_setup_cache[2]


def _drop_font_setup():
    """Free the shared FontConfiguration (and its temporary font folder) while the interpreter is still whole."""
    global _font_setup_cache
    _font_setup_cache = None
    gc.collect()  # the CSS and the FontConfiguration refer to each other


def render_pdf(template_name: str, context: dict, *, language: str | None = None, cache_seconds: int = 0) -> bytes:
    """Render a Django template in `language` (default: the active one) and return its PDF.

    With `cache_seconds`, the PDF is kept in the cache under a digest of its HTML and fonts, for documents rendered
    on demand again and again (the payment slip: about 0.17 s of CPU a render, most of it holding the GIL). Equal
    HTML gives an equal document, so a changed input (amount, account, a new translation) is a new key: nothing to
    invalidate. The key is a digest of content that holds personal data, so it cannot be guessed from ids.
    """
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    if not cache_seconds:
        return html_to_pdf(html)
    key = "pdf:" + hashlib.sha256(f"{PDF_CACHE_VERSION}\0{prepared_font_css()}\0{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        cache.set(key, pdf, cache_seconds)
    return pdf


def qr_svg_data_uri(text: str, *, error: str = "m") -> str:
    """A QR code of `text` as an SVG data: URI for <img src>; size it in CSS (it is a vector, any size is sharp)."""
    import segno

    return segno.make(text, error=error, micro=False).svg_data_uri(scale=1, border=4, svgclass=None, lineclass=None)


# --- URL fetching: local only ---------------------------------------------------------------------------------


_fetcher_class = None


def _local_url_fetcher():
    """A WeasyPrint URL fetcher (one per render: URLFetcher keeps per-request state) that stays on this machine."""
    global _fetcher_class
    if _fetcher_class is None:
        from weasyprint.urls import URLFetcher

        class LocalURLFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                scheme = url.split(":", 1)[0].lower()
                if scheme == "data":
                    return super().fetch(url, headers)
                if scheme == "file":
                    path = _allowed_local_path(url)
                    if path is not None:
                        return super().fetch(path.as_uri(), headers)
                raise ValueError(f"not fetched (PDFs use data: URIs and local static files only): {url[:200]}")

        _fetcher_class = LocalURLFetcher
    return _fetcher_class(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)


def _allowed_local_path(url: str) -> Path | None:
    """The file a file: URL names, if it lies under a static directory or the font directory."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    raw = unquote(parts.path)
    static_url = urlsplit(settings.STATIC_URL or "/static/").path
    if static_url and raw.startswith(static_url):  # "{% static %}" URLs, resolved against base_url file:///
        from django.contrib.staticfiles import finders

        found = finders.find(raw[len(static_url) :])
        candidates = [Path(found)] if isinstance(found, str) else []
        if settings.STATIC_ROOT:
            candidates.append(Path(settings.STATIC_ROOT) / raw[len(static_url) :])
    else:
        candidates = [Path(raw)]
    roots = [font_dir(), *(Path(d if isinstance(d, str | Path) else d[1]) for d in settings.STATICFILES_DIRS)]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    from django.contrib.staticfiles.finders import AppDirectoriesFinder

    roots += [Path(storage.location) for storage in AppDirectoriesFinder().storages.values()]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root.resolve()) for root in roots):
            return resolved
    return None


# --- The prepared font ----------------------------------------------------------------------------------------


def font_dir() -> Path:
    return Path(settings.DATA_DIR) / "fonts"


def prepared_font_paths(directory: Path | None = None) -> dict[int, Path]:
    """Weight -> file of the prepared font (built or not)."""
    directory = directory or font_dir()
    return {weight: directory / f"GradAdmitSansTC-{style}-v{FONT_VERSION}.otf" for weight, style in WEIGHTS.items()}


def prepared_font_css() -> str:
    """The @font-face rules of the prepared font, building it on first use; "" if it cannot be built."""
    directory = font_dir()
    css = _fonts_css.get(directory)
    if css is not None:
        return css
    with _fonts_lock:
        if directory not in _fonts_css:
            try:
                paths = prepare_fonts(directory)
            except PDFFontError as error:
                logger.warning("PDF fonts: no prepared font (%s); rendering with the system fonts, slower", error)
                _fonts_css[directory] = ""
            else:
                _fonts_css[directory] = "".join(
                    f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{path.as_uri()}'); "
                    f"font-weight: {weight}; font-style: normal; }}\n"
                    for weight, path in paths.items()
                )
        return _fonts_css[directory]


@dataclass
class BuiltFont:
    path: Path
    size: int
    seconds: float


def prepare_fonts(directory: Path | None = None, *, force: bool = False, built: list | None = None) -> dict[int, Path]:
    """Build the prepared font files that are missing (all with `force`); idempotent, safe across processes.

    Writes to a temporary file and renames, under an flock on `<dir>/.lock`, so a reader never sees half a font
    and two processes do not build twice. Appends a BuiltFont to `built` for every file it wrote.
    """
    directory = directory or font_dir()
    paths = prepared_font_paths(directory)
    if not force and all(path.is_file() for path in paths.values()):
        return paths
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for weight, path in paths.items():
            if path.is_file() and not force:
                continue  # built by another process while we waited
            started = time.monotonic()
            source, index = _find_source_font(weight)
            data = _hb_subset(source, index, _character_set())
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".building-", suffix=".otf")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.chmod(temporary, 0o644)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            seconds = time.monotonic() - started
            logger.info("PDF fonts: built %s (%d bytes) from %s in %.2f s", path, len(data), source, seconds)
            if built is not None:
                built.append(BuiltFont(path, len(data), seconds))
    return paths


def _character_set() -> set[int]:
    codepoints = set()
    for low, high in EXTRA_RANGES:
        codepoints.update(range(low, high + 1))
    for lead in range(0xA1, 0xFA):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            for codec in ("big5", "cp950"):
                with contextlib.suppress(UnicodeDecodeError):
                    codepoints.update(map(ord, bytes((lead, trail)).decode(codec)))
    codepoints.discard(0xFFFD)
    return {cp for cp in codepoints if not 0xE000 <= cp <= 0xF8FF}  # no private-use (Big5 user-defined area)


def _find_source_font(weight: int) -> tuple[str, int]:
    """(file, face index) of Noto Sans CJK TC at `weight`, asked of fontconfig."""
    style = "Bold" if weight >= 600 else "Regular"
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise PDFFontError("fc-match not found (Debian: fontconfig)")
    try:
        reply = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [fc_match, "--format=%{family}\n%{style}\n%{file}\n%{index}", f"{SOURCE_FAMILY}:style={style}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as error:
        raise PDFFontError(f"fc-match failed: {error}") from error
    if len(reply) < 4 or SOURCE_FAMILY not in reply[0].split(","):
        raise PDFFontError(f"{SOURCE_FAMILY} {style} not installed (Debian: fonts-noto-cjk); fc-match: {reply[:3]}")
    return reply[2], int(reply[3] or 0)


def _hb_subset(source: str, index: int, codepoints: set[int]) -> bytes:
    """hb-subset of face `index` of `source` to `codepoints`, without GSUB. Seconds, where fontTools takes minutes."""
    hb, hb_subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(os.fsencode(source))
    if not blob:
        raise PDFFontError(f"cannot read {source}")
    face = subset_input = subset_face = result = None
    try:
        face = hb.hb_face_create(blob, index)
        subset_input = hb_subset.hb_subset_input_create_or_fail()
        if not subset_input:
            raise PDFFontError("hb_subset_input_create_or_fail failed")
        unicodes = hb_subset.hb_subset_input_unicode_set(subset_input)
        for codepoint in sorted(codepoints):
            hb.hb_set_add(unicodes, codepoint)
        dropped = hb_subset.hb_subset_input_set(subset_input, _HB_SUBSET_SETS_DROP_TABLE_TAG)
        hb.hb_set_add(dropped, int.from_bytes(b"GSUB", "big"))
        subset_face = hb_subset.hb_subset_or_fail(face, subset_input)
        if not subset_face:
            raise PDFFontError(f"hb-subset failed on {source}")
        result = hb.hb_face_reference_blob(subset_face)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(result, ctypes.byref(length))
        return ctypes.string_at(data, length.value)
    finally:
        if result:
            hb.hb_blob_destroy(result)
        if subset_face:
            hb.hb_face_destroy(subset_face)
        if subset_input:
            hb_subset.hb_subset_input_destroy(subset_input)
        if face:
            hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


_HB_SUBSET_SETS_DROP_TABLE_TAG = 3  # hb_subset_sets_t
_harfbuzz_libraries = None


def _harfbuzz():
    global _harfbuzz_libraries
    if _harfbuzz_libraries is None:
        try:
            hb = ctypes.CDLL(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
            hb_subset = ctypes.CDLL(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
        except OSError as error:
            raise PDFFontError(f"HarfBuzz subsetter not installed (Debian: libharfbuzz-subset0): {error}") from error
        pointer, uint = ctypes.c_void_p, ctypes.c_uint
        for library, name, restype, argtypes in [
            (hb, "hb_blob_create_from_file_or_fail", pointer, [ctypes.c_char_p]),
            (hb, "hb_face_create", pointer, [pointer, uint]),
            (hb, "hb_face_reference_blob", pointer, [pointer]),
            (hb, "hb_blob_get_data", ctypes.c_void_p, [pointer, ctypes.POINTER(uint)]),
            (hb, "hb_set_add", None, [pointer, ctypes.c_uint32]),
            (hb, "hb_blob_destroy", None, [pointer]),
            (hb, "hb_face_destroy", None, [pointer]),
            (hb_subset, "hb_subset_input_create_or_fail", pointer, []),
            (hb_subset, "hb_subset_input_unicode_set", pointer, [pointer]),
            (hb_subset, "hb_subset_input_set", pointer, [pointer, ctypes.c_int]),
            (hb_subset, "hb_subset_or_fail", pointer, [pointer, pointer]),
            (hb_subset, "hb_subset_input_destroy", None, [pointer]),
        ]:
            try:
                function = getattr(library, name)
            except AttributeError as error:  # HarfBuzz older than 2.9 lacks the *_or_fail functions
                raise PDFFontError(f"HarfBuzz too old: {error}") from error
            function.restype, function.argtypes = restype, argtypes
        _harfbuzz_libraries = hb, hb_subset
    return _harfbuzz_libraries
