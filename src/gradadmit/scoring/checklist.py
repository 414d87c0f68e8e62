"""Checklist row: the published result of each application, once the results time has come."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry
from gradadmit.scoring.explanations import status_label
from gradadmit.scoring.models import RankingRun


@checklist_registry.register(keys=("result",))
def result_rows(applications, context):
    runs = {
        run.program_id: run
        for run in RankingRun.objects.filter(
            program_id__in={a.program_id for a in applications}, state=RankingRun.State.PUBLISHED
        )
    }
    rows = {}
    for application in applications:
        run = runs.get(application.program_id)
        window = context.calendars[application.program.cycle_id].window("results")
        if run is None or window is None or not window.has_started():
            continue
        outcome = run.outcome_of(application.id)
        if outcome is None:
            continue
        rows[application.id] = [
            ChecklistRow(
                key="result",
                order=90,
                label=_("Result (放榜)"),
                status=RowStatus.INFO,
                detail=status_label(outcome["status"]),
                url=reverse("scoring:result", args=[application.pk]),
                blocking=False,
            )
        ]
    return rows
