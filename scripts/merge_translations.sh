#!/usr/bin/env bash
# Merge pending translations into the zh_Hant catalogue; print what is still untranslated.
set -e
cd "${1:-$(dirname "$0")/..}"
.venv/bin/python manage.py makemessages -l zh_Hant --no-location -e html,txt,py --ignore=.venv --ignore=bench --ignore=tests --ignore=reports --ignore=data -v0
.venv/bin/python - <<'PY'
import polib
po = polib.pofile("locale/zh_Hant/LC_MESSAGES/django.po")
n = 0
for e in po:
    if "fuzzy" in e.flags:
        e.flags.remove("fuzzy"); e.msgstr = ""
        if e.msgid_plural: e.msgstr_plural = {k: "" for k in e.msgstr_plural}
        e.previous_msgid = None; e.previous_msgid_plural = None; e.previous_msgctxt = None
        n += 1
po.save()
print("cleared fuzzy:", n)
PY
for f in locale/pending/*.py; do [ -f "$f" ] && .venv/bin/python scripts/apply_translations.py "$f"; done
.venv/bin/python - <<'PY'
import polib
po = polib.pofile("locale/zh_Hant/LC_MESSAGES/django.po")
left = [e for e in po.untranslated_entries() if not e.obsolete]
print("untranslated:", len(left))
for e in left: print(repr(e.msgctxt), repr(e.msgid), repr(e.msgid_plural))
PY
