"""Checklist row: the published result of each application, once the results time has come."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for
from gradadmit.scoring.explanations import status_label
from gradadmit.scoring.models import RankingRun


@checklist_registry.register(keys=("result",))
def result_rows(applications, context):
    """One query once some programme's results time has come; none before."""
    shown = []
    for application in applications:
        window = context.calendars[application.program.cycle_id].window("results")
        if window is not None and window.has_started():
            shown.append(application)
    if not shown:
        return {}
    runs = {
        run.program_id: run
        for run in RankingRun.objects.filter(
            program_id__in={a.program_id for a in shown}, state=RankingRun.State.PUBLISHED
        )
    }
    rows = {}
    url = url_for("scoring:result")
    for application in shown:
        run = runs.get(application.program_id)
        outcome = run.outcome_of(application.id) if run is not None else None
        if outcome is None:
            continue
        rows[application.id] = [
            ChecklistRow(
                key="result",
                order=90,
                label=_("Result (放榜)"),
                status=RowStatus.INFO,
                detail=status_label(outcome["status"]),
                url=url(application.pk),
                blocking=False,
            )
        ]
    return rows
