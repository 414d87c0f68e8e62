"""Checklist row of 考生專區: each fee of the application, paid or not, by its due date."""

from collections import defaultdict

from django.utils.translation import gettext as _

from gradadmit.core import clock
from gradadmit.core.checklist import ChecklistRow, RowStatus, checklist_registry, url_for
from gradadmit.core.prepared import Param, prepared
from gradadmit.fees.models import Charge, FeeItem


def _detail(charge) -> str:
    if charge.status == Charge.Status.PAID:
        return _("Paid correctly (已正確繳費).")
    if charge.status == Charge.Status.WAIVED:
        return _("Waived (免繳).")
    if charge.status == Charge.Status.REFUNDED:
        return _("Refunded.")
    if charge.is_amount_wrong:
        return _("Amount wrong: NT$ %(received)s received, NT$ %(due)s due.") % {
            "received": f"{charge.amount_received:,}",
            "due": f"{charge.amount_due:,}",
        }
    return _("Not paid yet (尚未繳費): NT$ %(due)s.") % {"due": f"{charge.amount_due:,}"}


_CHARGES = prepared(
    lambda: Charge.objects.filter(application__in=Param("applications", many=True)).select_related("item").order_by()
)


@checklist_registry.register(keys=("fees",))
def fee_rows(applications, context):
    """One query for every application's charges; an application fee not charged yet shows the cycle's fee."""
    charges = defaultdict(list)
    # Sorted here, not by the query: Django's ORDER BY costs more to compile than a few rows cost to sort.
    for charge in sorted(
        _CHARGES(applications=applications),
        key=lambda charge: (charge.item.order, charge.id),
    ):
        charges[charge.application_id].append(charge)
    now = clock.now()
    details = context.details
    fee_label = _("Application fee (報名費)")
    not_charged = _("Not paid yet (尚未繳費): NT$ %(due)s. Open the page for your account number.") if details else ""
    page_url = url_for("fees:page") if details else None
    rows = defaultdict(list)
    for application in applications:
        url = page_url(application.pk) if details else ""
        mine = charges.get(application.id, [])
        if not any(c.item.kind == FeeItem.Kind.APPLICATION for c in mine):
            window = context.calendars[application.program.cycle_id].window("application", context.scope)
            rows[application.id].append(
                ChecklistRow(
                    key="fees",
                    order=30,
                    label=fee_label,
                    status=RowStatus.PENDING,
                    detail=not_charged % {"due": f"{application.program.cycle.application_fee:,}"} if details else "",
                    deadline=window.ends_at if window else None,
                    url=url,
                )
            )
        for charge in mine:
            if charge.status in (Charge.Status.PAID, Charge.Status.WAIVED):
                status = RowStatus.DONE
            elif charge.status == Charge.Status.REFUNDED:
                status = RowStatus.INFO
            else:
                status = RowStatus.MISSING if charge.due_at < now else RowStatus.PENDING
            label = fee_label if charge.item.kind == FeeItem.Kind.APPLICATION else charge.item.name
            rows[application.id].append(
                ChecklistRow(
                    key=f"fees-{charge.item_id}",
                    order=30,
                    label=label,
                    status=status,
                    detail=_detail(charge) if details else "",
                    deadline=charge.due_at,
                    url=url,
                )  # fmt: skip
            )
    return rows
