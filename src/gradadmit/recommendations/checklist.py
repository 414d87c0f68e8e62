"""Checklist row: recommendation letters (至少N封: incomplete until N are completed; 選繳: information only)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for
from gradadmit.cycles.models import Program
from gradadmit.recommendations.selectors import letters_window, status_counts


@checklist_registry.register(keys=("recommendations",))
def recommendation_rows(applications, context):
    asking = [a for a in applications if a.program.recommendation_policy != Program.RecommendationPolicy.NONE]
    if not asking:
        return {}
    counts = status_counts(asking)  # one query for every application
    details = context.details
    label = _("Recommendation letters (推薦信)")
    optional = _("Optional (選繳).") if details else ""
    url = url_for("recommendations:list") if details else None
    rows = {}
    for application in asking:
        program = application.program
        by_status = counts.get(application.id, {})
        completed, requested = by_status.get("completed", 0), sum(by_status.values())
        window = letters_window(context.calendars[program.cycle_id], context.scope)
        closed = window is not None and window.has_ended()
        detail = ""
        if details:
            detail = ngettext(
                "%(done)d of %(asked)d letter completed.", "%(done)d of %(asked)d letters completed.", requested
            ) % {"done": completed, "asked": requested}  # fmt: skip
        if program.recommendation_policy == Program.RecommendationPolicy.AT_LEAST:
            needed = program.recommendations_required
            if completed >= needed:
                status = RowStatus.DONE
            else:
                status = RowStatus.MISSING if closed else RowStatus.PENDING
                if details:
                    detail = ngettext(
                        "At least %(n)d letter required (至少%(n)d封).", "At least %(n)d letters required (至少%(n)d封).",
                        needed,
                    ) % {"n": needed} + " " + detail  # fmt: skip
            blocking = True
        else:
            status = RowStatus.DONE if completed else RowStatus.NOT_REQUIRED
            detail = f"{optional} {detail}" if details else ""
            blocking = False
        rows[application.id] = [
            ChecklistRow(
                key="recommendations",
                order=30,
                label=label,
                status=status,
                detail=detail,
                deadline=window.ends_at if window else None,
                url=url(application.pk) if details else "",
                blocking=blocking,
            )
        ]
    return rows
