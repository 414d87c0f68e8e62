"""Checklist row: the application itself (programme, identity, window)."""

from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry


@checklist_registry.register
def application_rows(applications, context):
    return {
        application.id: [
            ChecklistRow(
                key="application",
                order=0,
                label=_("Online application"),
                status=RowStatus.DONE,
                detail=_("Applied as %(identity)s.") % {"identity": application.get_identity_display()},
            )
        ]
        for application in applications
    }
