"""Checklist row: the application itself (programme, identity, window)."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry


@checklist_registry.register(keys=("application",))
def application_rows(applications, context):
    label = _("Online application")
    if not context.details:
        return {
            application.id: [ChecklistRow(key="application", order=0, label=label, status=RowStatus.DONE)]
            for application in applications
        }
    applied_as = _("Applied as %(identity)s.")
    return {
        application.id: [
            ChecklistRow(
                key="application",
                order=0,
                label=label,
                status=RowStatus.DONE,
                detail=applied_as % {"identity": application.get_identity_display()},
            )
        ]
        for application in applications
    }
