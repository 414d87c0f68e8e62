"""Checklist row: basic details complete."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry


@checklist_registry.register(keys=("basic_details",))
def basic_details_rows(applications, context):
    ok = context.profile is not None
    label = _("Basic details")
    detail = "" if ok else _("Fill in your basic details.")
    url = reverse("accounts:profile") if context.details else ""
    rows = {}
    for application in applications:
        rows[application.id] = [
            ChecklistRow(
                key="basic_details",
                order=10,
                label=label,
                status=RowStatus.DONE if ok else RowStatus.PENDING,
                detail=detail,
                url=url,
            )
        ]
    return rows
