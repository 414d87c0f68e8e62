"""Reads of fees, scoped: the applicant's own charges, or the programmes of the staff member asking."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from gradadmit.core.prepared import Param, attach, prepared
from gradadmit.core.scoping import staff_program_q
from gradadmit.fees.models import Charge, Payment, StatementImport, StatementLine, VirtualAccount, WaiverRequest

OPEN_EXCEPTION = Q(outcome__in=["amount_wrong", "unknown", "invalid"], resolution="")


def _with_accounts(queryset):
    return queryset.select_related("item", "discount").prefetch_related(
        Prefetch("accounts", queryset=VirtualAccount.objects.filter(is_current=True), to_attr="current_accounts")
    )


_CHARGES_OF_APPLICATION = prepared(
    lambda: Charge.objects.filter(application_id=Param("application")).select_related("item", "discount")
)
_CURRENT_ACCOUNTS_OF = prepared(
    lambda: VirtualAccount.objects.filter(is_current=True, charge_id__in=Param("charges", many=True))
)
_WAIVERS_OF = prepared(
    lambda: WaiverRequest.objects.filter(charge_id__in=Param("charges", many=True)).order_by("-requested_at")
)


def charges_of_application(application):
    """The charges of an application the caller already fetched through a scoped selector, each with its
    `current_accounts` and `waivers` (newest first), as _with_accounts() and a waivers prefetch give them."""
    charges = list(_CHARGES_OF_APPLICATION(application=application.pk))
    attach(charges, "current_accounts", _CURRENT_ACCOUNTS_OF(charges=charges), key="charge_id", back="charge")
    attach(charges, "waivers", _WAIVERS_OF(charges=charges), key="charge_id", back="charge")
    return charges


def charge_of_applicant(user, application, pk) -> Charge:
    return get_object_or_404(
        _with_accounts(Charge.objects.filter(application=application, application__applicant=user)), pk=pk
    )


def charges_for_staff(user):
    return Charge.objects.filter(staff_program_q(user, "application__program")).select_related(
        "item", "discount", "application__program__cycle", "application__applicant__profile"
    )


def charge_for_staff(user, pk) -> Charge:
    return get_object_or_404(_with_accounts(charges_for_staff(user)), pk=pk)


def charge_history(charge):
    payments = list(Payment.objects.filter(charge=charge).select_related("recorded_by", "statement_line__statement"))
    waivers = list(WaiverRequest.objects.filter(charge=charge).select_related("requested_by", "decided_by"))
    accounts = list(VirtualAccount.objects.filter(charge=charge).order_by("-created_at"))
    return payments, waivers, accounts


def waivers_for_staff(user):
    return WaiverRequest.objects.filter(staff_program_q(user, "charge__application__program")).select_related(
        "charge__item", "charge__application__program__cycle", "charge__application__applicant__profile",
        "decided_by",
    )  # fmt: skip


def waiver_for_staff(user, pk) -> WaiverRequest:
    return get_object_or_404(waivers_for_staff(user), pk=pk)


def status_counts(charges) -> dict[int, dict[str, int]]:
    """{fee item id: {unpaid, paid, amount_wrong, waived, refunded, received}} in one query."""
    rows = charges.values("item_id", "status").annotate(n=Count("id"), received=Sum("amount_received"))
    result = defaultdict(lambda: dict.fromkeys(["unpaid", "paid", "amount_wrong", "waived", "refunded", "received"], 0))
    for row in rows:
        key = "amount_wrong" if row["status"] in ("partial", "over") else row["status"]
        result[row["item_id"]][key] += row["n"]
        result[row["item_id"]]["received"] += row["received"] or 0
    return result


def cycle_payments(cycle):
    """What the per-cycle payments page shows, in a fixed number of queries."""
    from gradadmit.fees.models import FeeItem

    items = list(FeeItem.objects.filter(cycle=cycle).prefetch_related("discounts"))
    counts = status_counts(Charge.objects.filter(item__cycle=cycle))
    imports = list(StatementImport.objects.filter(cycle=cycle).select_related("imported_by")[:20])
    open_exceptions = (
        StatementLine.objects.filter(OPEN_EXCEPTION)
        .filter(Q(statement__cycle=cycle) | Q(charge__item__cycle=cycle))
        .count()
    )
    pending_waivers = list(
        WaiverRequest.objects.filter(charge__item__cycle=cycle, status=WaiverRequest.Status.PENDING).select_related(
            "charge__application__program", "charge__application__applicant__profile", "charge__item"
        )
    )
    return {
        "items": [{"item": item, "counts": counts[item.pk]} for item in items],
        "imports": imports,
        "open_exceptions": open_exceptions,
        "pending_waivers": pending_waivers,
    }


def statement_for_office(pk) -> StatementImport:
    return get_object_or_404(StatementImport.objects.select_related("cycle", "imported_by"), pk=pk)


# The lines someone has to look at: money that matched no charge, or not the right amount, or could not be read.
EXCEPTION_OUTCOMES = ("amount_wrong", "unknown", "invalid")


def statement_lines(statement):
    """The statement's lines with their charge and who resolved them (filtered and sorted by the office list)."""
    return statement.lines.select_related("charge__application__program", "resolved_by")


def program_overview(user, program):
    """Every application of the programme with its charges, and counts per status, in fixed queries."""
    from gradadmit.applications.selectors import applications_for_staff

    applications = list(
        applications_for_staff(user)
        .filter(program=program)
        .order_by("status", "applied_at")
        .prefetch_related(
            Prefetch(
                "charges",
                queryset=Charge.objects.select_related("item").prefetch_related(
                    Prefetch(
                        "accounts", queryset=VirtualAccount.objects.filter(is_current=True), to_attr="current_accounts"
                    )
                ),
                to_attr="fee_charges",
            )
        )
    )
    charges = Charge.objects.filter(application__program=program)
    totals = dict.fromkeys([*Charge.Status.values, "amount_wrong"], 0)
    for row in charges.values("status").annotate(n=Count("id")):
        totals[row["status"]] += row["n"]
    totals["amount_wrong"] = totals["partial"] + totals["over"]
    exceptions = StatementLine.objects.filter(OPEN_EXCEPTION, charge__application__program=program).count()
    return applications, totals, exceptions
