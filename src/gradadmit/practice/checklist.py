"""Checklist row of a practice application: the sample payment and the sample ticket (no query)."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for


@checklist_registry.register(keys=("practice",))
def practice_rows(applications, context):
    practice = [a for a in applications if a.program.cycle.is_practice]
    if not practice:
        return {}
    page = url_for("practice:application") if context.details else None
    label = _("Practice: sample payment and sample admission ticket")
    detail = _("Mark the fee paid and print a sample payment slip and a ticket marked SAMPLE.")
    return {
        a.id: [
            ChecklistRow(
                key="practice",
                order=90,
                label=label,
                status=RowStatus.INFO,
                detail=detail if page else "",
                url=page(a.pk) if page else "",
                blocking=False,
            )
        ]  # fmt: skip
        for a in practice
    }
