"""The admission ticket's labels all have a Chinese text: the Chinese ticket shows no English-only label."""

import importlib.util
from pathlib import Path

import polib
from django.utils import translation

from gradadmit.exams.tickets import TICKET_LABELS

LOCALE = Path(__file__).resolve().parents[4] / "locale"


def _translated_msgids() -> set[str]:
    """Msgids with a zh-Hant text: the catalogue, plus locale/pending/ files not merged yet."""
    catalogue = polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    found = {entry.msgid for entry in catalogue if entry.msgstr and not entry.msgctxt}
    for path in sorted((LOCALE / "pending").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"pending_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found |= {msgid for msgid, text in getattr(module, "T", {}).items() if text}
    return found


def test_every_ticket_label_has_a_chinese_text():
    translated = _translated_msgids()
    with translation.override("en"):
        msgids = [str(message) for message in TICKET_LABELS.values()]
    missing = [msgid for msgid in msgids if msgid not in translated]
    assert missing == []
