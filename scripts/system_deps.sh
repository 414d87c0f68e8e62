#!/usr/bin/env bash
# Debian packages GradAdmit needs, installed only when missing (apt-get, as root). `--test` adds what tests use.
#   PDFs (gradadmit.core.pdf): WeasyPrint's Pango, HarfBuzz's subsetter (without it a Chinese page takes ~10 s),
#   fontconfig and the Noto CJK / DejaVu fonts. Tests: Debian's Chromium (Playwright), poppler's pdftotext and
#   pdftoppm (reading PDFs back), the PostgreSQL client (pg_isready), redis-server (the several-servers test and
#   the deadline benchmark start their own).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
libs="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)"
grep -q "libpango-1.0.so" <<<"$libs" || missing+=(libpango-1.0-0)
grep -q "libpangoft2-1.0.so" <<<"$libs" || missing+=(libpangoft2-1.0-0)
grep -q "libharfbuzz-subset.so" <<<"$libs" || missing+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
fonts="$(fc-list 2>/dev/null || true)"
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
grep -qi "DejaVu Sans" <<<"$fonts" || missing+=(fonts-dejavu-core)
if [[ "${1:-}" == "--test" ]]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
fi

if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
