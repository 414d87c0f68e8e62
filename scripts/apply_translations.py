"""Apply a dict of translations (T: msgid -> msgstr, P: msgid -> [plural forms]) to the zh_Hant catalogue.

Usage: python scripts/apply_translations.py FILE.py  (FILE defines T and P). Clears the fuzzy flag of what it sets.
"""

import runpy
import sys

import polib

PO = "locale/zh_Hant/LC_MESSAGES/django.po"


def main(path: str) -> None:
    data = runpy.run_path(path)
    singular, plural = data.get("T", {}), data.get("P", {})
    po = polib.pofile(PO)
    changed = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural and entry.msgid in plural:
            forms = plural[entry.msgid]
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(max(1, len(entry.msgstr_plural)))}
        elif not entry.msgid_plural and entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        changed += 1
    po.save(PO)
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"{changed} entries set; {len(missing)} still untranslated")
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1])
