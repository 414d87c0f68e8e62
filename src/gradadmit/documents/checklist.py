"""Checklist row: documents uploaded (mandatory items), and any initial-check replacement request."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for
from gradadmit.cycles.configuration import configuration_of
from gradadmit.documents.selectors import applicable_requirements, current_documents


@checklist_registry.register(keys=("documents",))
def document_rows(applications, context):
    profile = context.profile
    requirements = {}  # the programmes and cycles are already loaded with the applications
    for application in applications:
        if application.program_id not in requirements:
            configuration = configuration_of(application.program.cycle)
            requirements[application.program_id] = configuration.requirements(application.program_id)
    by_id = {requirement.pk: requirement for items in requirements.values() for requirement in items}
    documents = current_documents(applications, only=("check_status",))  # all the row reads of a document
    details = context.details
    label = _("Documents (備審資料)")
    all_uploaded = _("All mandatory items uploaded.") if details else ""
    url = url_for("documents:items") if details else None
    rows = defaultdict(list)
    for application in applications:
        items = applicable_requirements(application, profile, requirements[application.program_id])
        done = documents.get(application.id, {})
        missing = [r for r in items if r.mandatory and r.pk not in done]
        replace = [d for d in done.values() if d.check_status == d.Check.REPLACE]
        window = context.calendars[application.program.cycle_id].window("documents", context.scope)
        closed = window is not None and window.has_ended()
        detail = ""
        if replace:
            status = RowStatus.MISSING if closed else RowStatus.PENDING
            if details:
                detail = _("Replace: %(items)s") % {"items": ", ".join(by_id[d.requirement_id].name for d in replace)}
        elif missing:
            status = RowStatus.MISSING if closed else RowStatus.PENDING
            if details:
                detail = ngettext(
                    "%(count)d mandatory item missing: %(items)s", "%(count)d mandatory items missing: %(items)s",
                    len(missing),
                ) % {"count": len(missing), "items": ", ".join(r.name for r in missing)}  # fmt: skip
        else:
            status = RowStatus.DONE
            detail = all_uploaded
        rows[application.id].append(
            ChecklistRow(
                key="documents",
                order=20,
                label=label,
                status=status,
                detail=detail,
                deadline=window.ends_at if window else None,
                url=url(application.pk) if details else "",
            )
        )
    return rows
