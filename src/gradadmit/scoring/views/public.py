"""The public list of a published result: exam number and masked name, admitted and waitlisted in order."""

from django.shortcuts import get_object_or_404, render

from gradadmit.cycles.models import Program
from gradadmit.scoring.results import public_list


def result_list(request, pk):
    program = get_object_or_404(Program.objects.filter(cycle__is_published=True).select_related("cycle"), pk=pk)
    return render(request, "scoring/public_results.html", {"program": program, **public_list(program)})
