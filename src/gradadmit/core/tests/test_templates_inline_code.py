"""No template holds code the Content-Security-Policy would block: inline scripts, event handlers, styles.

Scripts and styles belong in the static files (src/gradadmit/static/, <app>/static/). The templates under a
pdf/ folder are exempt: WeasyPrint renders them to PDF on the server, no browser ever loads them as a page.
"""

import re
from pathlib import Path

from django.conf import settings

SOURCE = Path(settings.BASE_DIR)
SUFFIXES = {".html", ".jinja", ".j2", ".xml", ".svg"}
# (what it is, pattern): each one is blocked by the policy in settings.GRADADMIT_CSP.
BLOCKED = [
    ("<script> without src", re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)),
    ("style attribute", re.compile(r"<[a-z][^<>]*\sstyle\s*=", re.IGNORECASE)),
    ("<style> block", re.compile(r"<style\b", re.IGNORECASE)),
    ("inline event handler", re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)),
    ("javascript: URL", re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)),
]


def page_templates() -> list[Path]:
    files = []
    for folder in ("templates", "jinja2"):
        for root in SOURCE.rglob(folder):
            files += [
                path
                for path in root.rglob("*")
                if path.suffix in SUFFIXES and "pdf" not in path.relative_to(root).parts[:-1]
            ]
    return sorted(files)


def test_the_scan_finds_the_templates():
    names = {path.relative_to(SOURCE).as_posix() for path in page_templates()}
    assert "templates/base.html" in names and "templates/404.html" in names
    assert "core/templates/pdf/base.html" not in names  # WeasyPrint only


def test_no_template_has_inline_scripts_or_styles():
    found = []
    for path in page_templates():
        text = path.read_text(encoding="utf-8")
        for what, pattern in BLOCKED:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SOURCE)}:{line}: {what}")
    assert not found, "blocked by the Content-Security-Policy; move it to a static file:\n" + "\n".join(found)


def test_the_patterns_catch_what_the_policy_blocks():
    samples = {
        "<script>alert(1)</script>": "<script> without src",
        '<p style="color: red">': "style attribute",
        "<style>p {}</style>": "<style> block",
        '<button onclick="go()">': "inline event handler",
        '<a href="javascript:go()">': "javascript: URL",
    }
    for sample, expected in samples.items():
        assert [what for what, pattern in BLOCKED if pattern.search(sample)] == [expected], sample
    allowed = '<script src="/static/x.js" defer></script><p class="lead">Online = yes</p>'
    assert not [what for what, pattern in BLOCKED if pattern.search(allowed)]
