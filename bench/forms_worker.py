"""The forms benchmark's measuring step in a fresh process (bench environment), for bench_forms.py: one JSON line.

forms_worker.py PROGRAM RENDERS
    the first admission ticket of the programme (exams.tickets.render_ticket) and a filled 附件二 學經歷表 of the same
    application (documents.online_forms.render_form: three degrees, three jobs, three examinations, five
    publications, strengths and other, every field at a realistic length: gradadmit.testing.forms.filled_form_2, which
    the tests check prints on one page), both through gradadmit.core.pdf, after a warm-up, RENDERS each, alternately;
    prints the times, PDF sizes and pages.
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


def main(program_id: int, renders: int) -> None:
    import django

    django.setup()
    import pikepdf

    from gradadmit.documents.brochure_forms import FORM_2
    from gradadmit.documents.online_forms import render_form
    from gradadmit.exams.models import AdmissionTicket
    from gradadmit.exams.tickets import render_ticket
    from gradadmit.testing.forms import filled_form_2

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
