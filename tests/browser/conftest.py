"""Playwright fixtures for the browser journeys: Debian's Chromium, one context per test, axe checks.

Labels are looked up through Django's own translation catalogues (``t()`` / ``field_label()``) so the
same test reads the Chinese page once ``locale/zh_Hant`` is translated, and still works before that.
"""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.text import capfirst

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fail_on_csp_violation(request, monkeypatch):
    """Fail the test when a page logs a Content-Security-Policy violation (Chromium logs each one it blocks).

    Every context the test opens is watched, also those opened with ``browser.new_context`` by the tests.
    """
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", lambda message: _note_csp_violation(message, violations))
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    assert not violations, "the page broke the Content-Security-Policy:\n" + "\n".join(violations)


def _note_csp_violation(message, violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        violations.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture
def page(browser, live_server):
    # A newcomer in Taiwan: the browser asks for Traditional Chinese, the portal's default language.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
        locale="zh-TW",
        timezone_id="Asia/Taipei",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def t(language: str, message: str) -> str:
    """The text the app shows for ``message`` in ``language`` (English msgid when not translated yet)."""
    with translation.override(language):
        return translation.gettext(message)


def label_re(text: str) -> re.Pattern:
    """Match a rendered label: the text, then maybe Django's label suffix (":" / "：") and a required star."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*\*?\s*$")


def field_label(language: str, form_class, name: str, **form_kwargs) -> str:
    """The label Django renders for a form field, in ``language``."""
    with translation.override(language):
        form = form_class(**form_kwargs)
        field = form.fields[name]
        label = field.label if field.label is not None else capfirst(name.replace("_", " "))
        return str(label)


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    target: {', '.join(str(part) for part in node['target'])}")
            lines.append(f"    html:   {node['html'][:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_a11y(page, name: str) -> None:
    """Run axe on the current page, save a full-page screenshot, fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    screenshot(page, name)
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious/critical violations on {name} ({page.url}):\n" + _format_violations(
        blocking
    )
