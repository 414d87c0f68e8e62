"""The forms benchmark's measuring step in a fresh process (bench environment), for bench_forms.py: one JSON line.

forms_worker.py PROGRAM RENDERS
    the first admission ticket of the programme (exams.tickets.render_ticket) and a filled 附件二 學經歷表 of the same
    application (documents.online_forms.render_form: three degrees, three jobs, three examinations, five
    publications, strengths and other, every field at a realistic length), both through gradadmit.core.pdf, after a
    warm-up, RENDERS each, alternately; prints the times, PDF sizes and pages.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradadmit.settings")
if not os.environ.get("GRADADMIT_DATA_DIR"):
    sys.exit("forms_worker.py: GRADADMIT_DATA_DIR must point at the bench data directory")


def filled_form_2() -> dict:
    answers = {
        "address": "50007 彰化縣彰化市進德路一號 國立彰化師範大學宿舍 A 棟 301 室",
        "phone_home": "04-7232105",
        "phone_office": "04-7111111 轉 1326",
        "phone_mobile": "0912-345-678",
        "fax": "04-7111112",
        "strengths": "電路設計與嵌入式系統、Python 與機器學習、電力電子實驗。\n大學專題競賽全國第一名；擔任系學會幹部兩年。"
        * 3,
        "other": "曾赴日本東北大學交換一學期，通過日語檢定 N2。",
    }
    for row, (school, department, degree) in enumerate(
        [("國立彰化師範大學", "工學院 電機工程學系", "學士"), ("國立臺中高級工業職業學校", "電機科", "高職"),
         ("日本東北大學", "工學部 電氣情報物理工學科（交換）", "—")], start=1):  # fmt: skip
        answers.update({f"education_{row}_school": school, f"education_{row}_department": department,
                        f"education_{row}_start": f"{2021 - 3 * row}-09", f"education_{row}_end": f"{2025 - 3 * row}-06",
                        f"education_{row}_degree": degree})  # fmt: skip
    for row, employer in enumerate(
        ["台灣積體電路製造股份有限公司", "中華電信股份有限公司", "建國科技大學電機系"], start=1
    ):
        answers.update({f"job_{row}_employer": employer, f"job_{row}_title": "工程師", f"job_{row}_duties": "製程整合與良率改善",
                        f"job_{row}_start": f"{2022 - row}-07", f"job_{row}_end": f"{2023 - row}-06",
                        f"job_{row}_left": "進修", f"job_{row}_supervisor": "陳主任"})  # fmt: skip
    for row in range(1, 4):
        answers.update({f"exam_{row}_authority": "考選部", f"exam_{row}_subject": "高等考試三級 電力工程",
                        f"exam_{row}_year": f"{110 + row} 年", f"exam_{row}_rating_kind": "委任",
                        f"exam_{row}_certificate": f"(113)專高字第 00{row}號", f"exam_{row}_grade": "五職等",
                        f"exam_{row}_rated": f"202{row}-03"})  # fmt: skip
    for row in range(1, 6):
        answers.update({f"work_{row}_title": f"以深度學習預測區域電網負載之研究（第 {row} 部）",
                        f"work_{row}_venue": "中華民國電力工程研討會", f"work_{row}_date": f"2024-0{row}"})  # fmt: skip
    return answers


def main(program_id: int, renders: int) -> None:
    import django

    django.setup()
    import pikepdf

    from gradadmit.documents.brochure_forms import FORM_2
    from gradadmit.documents.online_forms import render_form
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.exams.tickets import render_ticket

    ticket = (
        AdmissionTicket.objects.filter(program_id=program_id)
        .select_related("application__program__cycle", "application__applicant__profile", "slot")
        .order_by("sequence")
        .first()
    )
    application, answers = ticket.application, filled_form_2()
    form = FORM_2.form_class()(answers)
    assert form.is_valid(), form.errors  # the benchmark's answers are what the page would accept

    def form_2() -> bytes:
        return render_form(spec=FORM_2, application=application, profile=application.applicant.profile,
                           answers=form.answers())  # fmt: skip

    def ticket_pdf() -> bytes:
        return render_ticket(ticket)

    for _ in range(2):  # warm-up: fonts, templates, the first subset of each
        ticket_pdf()
        form_2()
    times, sizes, pages = {"ticket": [], "form_2": []}, {}, {}
    for n in range(renders):
        order = [("ticket", ticket_pdf), ("form_2", form_2)]
        for name, render in order if n % 2 == 0 else reversed(order):
            started = time.perf_counter()
            data = render()
            times[name].append(time.perf_counter() - started)
            sizes[name] = len(data)
    for name, render in (("ticket", ticket_pdf), ("form_2", form_2)):
        import io

        with pikepdf.open(io.BytesIO(render())) as pdf:
            pages[name] = len(pdf.pages)
    print(json.dumps({
        "median": {name: statistics.median(values) for name, values in times.items()},
        "min": {name: min(values) for name, values in times.items()},
        "max": {name: max(values) for name, values in times.items()},
        "sizes": sizes, "pages": pages, "renders": renders,
    }))  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
