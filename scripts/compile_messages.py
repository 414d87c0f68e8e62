"""Compile every locale/*.po of the project into .mo (pure Python, no GNU gettext needed)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
        print(f"compiled {po_path.relative_to(ROOT)}: {po.percent_translated()}% translated")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
