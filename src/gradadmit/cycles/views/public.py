"""Public pages: cycles, calendar, programmes, downloadable forms."""

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from gradadmit.core.deadlines import calendar_for
from gradadmit.cycles import selectors
from gradadmit.cycles.configuration import configuration_of
from gradadmit.cycles.models import FormTemplate


def home(request):
    cycles = list(selectors.published_cycles())
    return render(request, "cycles/home.html", {"cycles": cycles})


def cycle_detail(request, code):
    cycle = selectors.published_cycle(code)
    calendar = calendar_for(cycle)
    milestones = calendar.milestones()
    return render(
        request,
        "cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "milestones": milestones,
            "programs": list(selectors.public_programs(cycle)),
            "forms": list(selectors.cycle_forms(cycle)),
            "application_window": calendar.window("application"),
        },
    )


def program_detail(request, code, program_code):
    cycle = selectors.published_cycle(code)
    program = selectors.public_program(cycle, program_code)
    return render(
        request,
        "cycles/program_detail.html",
        {
            "cycle": cycle,
            "program": program,
            "requirements": configuration_of(cycle).requirements(program.pk),
            "stages": selectors.program_stages(program),
            "application_window": calendar_for(cycle).window("application"),
        },
    )


def form_download(request, code, form_code):
    cycle = selectors.published_cycle(code)
    form = get_object_or_404(FormTemplate, cycle=cycle, code=form_code)
    if not form.file:
        raise Http404
    name = form.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(form.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
