"""A one-page Chinese payment slip through gradadmit.core.pdf against a Latin-only page with plain WeasyPrint.

Runs in a child process with the bench environment (a fresh data directory, so the first render also prepares the
CJK font, timed and printed). The slip: pdf/base.html, ~300 Han characters, a heading and table headers in bold,
a 6-row fee table, a QR code (SVG data URI). The reference: the same layout in English, plain WeasyPrint
(HTML(string=...).write_pdf()), system fonts (DejaVu Sans), the same QR code. After a warm-up of both, RENDERS
renders of each alternate; ratio = median reference time / median slip time (target >= 0.5: the Chinese page at
most twice the Latin one). For the record, the naive approach (WeasyPrint with the full system Noto Sans CJK TC,
no prepared font) is rendered twice, cold and warm. Environment: BENCH_PDF_RENDERS (20).
"""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

NAME = "pdf"
TARGET = 0.5
RENDERS = int(os.environ.get("BENCH_PDF_RENDERS", "20"))
WARMUP = 3

NOTICE = (
    "一、本繳費單限本人使用，請於繳費期限前至全國各地便利商店、郵局或金融機構臨櫃繳納報名費，"
    "亦可使用自動櫃員機轉帳至下列虛擬帳號。二、逾期未繳費或繳費金額不符者，視同未完成報名，所繳資料恕不退還。"
    "三、低收入戶及中低收入戶考生得檢附證明文件申請減免報名費，請於報名期間內上傳至報名系統審核。"
    "四、繳費後約需一至二個工作天入帳，請於報名系統查詢繳費狀態；如有疑問，請於上班時間洽本校招生組。"
    "五、本單據經收款單位蓋章或列印交易明細後始生效力，請妥善保存至放榜後，以備查驗。"
)
NOTICE_EN = (
    "1. This payment slip is for the applicant named below only. Pay the application fee before the deadline at any "
    "convenience store, post office or bank counter, or transfer it by ATM to the virtual account below. 2. If the "
    "fee is not paid in time or the amount differs, the application is not complete and documents are not returned. "
    "3. Applicants from low-income households may apply for a fee reduction by uploading proof during the "
    "application period. 4. Payments take one to two working days to arrive; check the payment status in the "
    "portal and contact the admissions office during office hours with any question. 5. This slip is valid only "
    "with the collector's stamp or the transaction receipt; keep it until the results are published."
)
ROWS = [
    ("資訊工程學系碩士班 甲組", "Computer Science MSc, group A", "一般生", "General", 1500),
    ("電機工程學系碩士班 乙組", "Electrical Engineering MSc, group B", "在職生", "In-service", 1500),
    ("應用數學系碩士班", "Applied Mathematics MSc", "一般生", "General", 1200),
    ("企業管理學系碩士班", "Business Administration MBA", "一般生", "General", 1800),
    ("材料科學與工程學系碩士班", "Materials Science MSc", "一般生", "General", 1500),
    ("減免 低收入戶", "Reduction, low-income household", "—", "-", -1500),
]

SLIP_TEMPLATE = """{% extends "pdf/base.html" %}
{% block title %}報名費繳費單{% endblock %}
{% block content %}
<h1>115 學年度碩士班招生考試 報名費繳費單</h1>
<table class="facts">
  <tr><th>考生姓名</th><td>王小明</td></tr>
  <tr><th>報名序號</th><td>GA-115-000123</td></tr>
  <tr><th>繳費期限</th><td>115年3月15日 下午11:59</td></tr>
  <tr><th>虛擬帳號</th><td>9527 1150 0001 2345（台灣銀行 004）</td></tr>
</table>
<table>
  <thead><tr><th>#</th><th>系所組別</th><th>身分</th><th class="number">金額</th></tr></thead>
  <tbody>{% for row in rows %}<tr><td>{{ forloop.counter }}</td><td>{{ row.0 }}</td><td>{{ row.2 }}</td>
  <td class="number">{{ row.4|ntd }}</td></tr>{% endfor %}</tbody>
</table>
<p>{{ notice }}</p>
<img class="qr" src="{{ qr }}" alt="QR">
{% endblock %}
"""

LATIN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Payment slip</title><style>
@page {{ size: A4; margin: 22mm 18mm 20mm; @bottom-center {{ content: "Page " counter(page) " of " counter(pages); }} }}
html {{ font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.5; }}
h1 {{ font-size: 16pt; }} table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }}
th, td {{ border: 0.6pt solid #999; padding: 1.2mm 2mm; text-align: left; }} thead th {{ background: #eee; }}
.number {{ text-align: right; }} .qr {{ width: 28mm; height: 28mm; }}
</style></head><body>
<h1>Academic year 2026 master's admission: application fee payment slip</h1>
<table><tr><th>Applicant</th><td>WANG, HSIAO-MING</td></tr><tr><th>Application</th><td>GA-115-000123</td></tr>
<tr><th>Deadline</th><td>15 March 2026, 23:59</td></tr>
<tr><th>Virtual account</th><td>9527 1150 0001 2345 (Bank of Taiwan 004)</td></tr></table>
<table><thead><tr><th>#</th><th>Programme</th><th>Identity</th><th class="number">Amount</th></tr></thead>
<tbody>{rows}</tbody></table>
<p>{notice}</p>
<img class="qr" src="{qr}" alt="QR">
</body></html>"""


def run() -> int:
    """The measurement runs in a child process: its own Django settings and a fresh data directory."""
    data_dir = Path(tempfile.mkdtemp(prefix="gradadmit-bench-pdf-"))
    try:
        child = subprocess.run(
            [harness.PYTHON, str(Path(__file__).resolve()), "--measure"],
            cwd=harness.REPO,
            env=harness.bench_env(data_dir),
            check=False,
        )
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            subprocess.run(["rm", "-rf", str(data_dir)], check=False)
    return child.returncode


def measure() -> int:
    sys.path.insert(0, str(harness.REPO / "src"))
    import django
    import pikepdf

    django.setup()
    from django.template import engines

    started = time.perf_counter()
    from weasyprint import HTML

    harness.log(f"import weasyprint: {time.perf_counter() - started:.2f} s (paid on the first PDF, not at startup)")
    from gradadmit.core import pdf

    qr = pdf.qr_svg_data_uri("GA-115-000123 NTD 7500 9527115000012345")
    slip_html = (
        engines["django"]
        .from_string(SLIP_TEMPLATE)
        .render({"rows": ROWS, "notice": NOTICE, "qr": qr, "institution": "國立建國科技大學"})
    )
    han = sum(1 for char in slip_html if 0x4E00 <= ord(char) <= 0x9FFF)
    latin_rows = "".join(
        f'<tr><td>{n}</td><td>{row[1]}</td><td>{row[3]}</td><td class="number">NT$ {row[4]:,}</td></tr>'
        for n, row in enumerate(ROWS, 1)
    )
    latin_html = LATIN_PAGE.format(rows=latin_rows, notice=NOTICE_EN, qr=qr)

    def slip() -> bytes:
        return pdf.html_to_pdf(slip_html)

    def latin() -> bytes:
        return HTML(string=latin_html).write_pdf()

    started = time.perf_counter()
    first = slip()
    harness.log(
        f"first slip render, preparing the CJK font in a fresh data dir: {time.perf_counter() - started:.2f} s; "
        f"fonts: {', '.join(f'{p.name} {p.stat().st_size / 1e6:.1f} MB' for p in pdf.prepared_font_paths().values())}"
    )
    with pikepdf.open(io.BytesIO(first)) as document:
        pages = len(document.pages)
    harness.log(f"slip: {han} Han characters in the HTML, {pages} page(s), PDF {len(first) / 1024:.0f} KB")
    for _ in range(WARMUP):
        latin()
        slip()

    naive_html = slip_html.replace('"GradAdmit Sans TC", ', "")  # the base stack without the prepared family
    naive_times = []
    for _ in range(2):
        started = time.perf_counter()
        naive = HTML(string=naive_html).write_pdf()
        naive_times.append(time.perf_counter() - started)
    harness.log(
        f"naive (plain WeasyPrint, system Noto Sans CJK TC .ttc): cold {naive_times[0]:.3f} s, warm "
        f"{naive_times[1]:.3f} s, PDF {len(naive) / 1024:.0f} KB"
    )

    times = {"latin": [], "slip": []}
    sizes = {}
    for round_number in range(RENDERS):
        order = [("latin", latin), ("slip", slip)]
        for name, render in order if round_number % 2 == 0 else reversed(order):
            started = time.perf_counter()
            sizes[name] = len(render())
            times[name].append(time.perf_counter() - started)
    for name, label in (("latin", "reference (Latin, DejaVu Sans, plain WeasyPrint)"), ("slip", "Chinese slip")):
        values = times[name]
        harness.log(
            f"{label}: {len(values)} renders, median {statistics.median(values):.3f} s, min {min(values):.3f} s, "
            f"max {max(values):.3f} s, PDF {sizes[name] / 1024:.0f} KB"
        )
    harness.log(f"after: {harness.machine_load()}")
    ratio = statistics.median(times["latin"]) / statistics.median(times["slip"])
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"BENCH {NAME}: ratio {ratio:.2f} (target >= {TARGET:g}) {verdict}", flush=True)
    return 0


if __name__ == "__main__" and sys.argv[1:] == ["--measure"]:
    sys.exit(measure())
