"""Staff: the review queue of a programme, one application's review, bulk decisions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gradadmit.accounts.models import ApplicantProfile
from gradadmit.applications.models import Application
from gradadmit.core.errors import DomainError
from gradadmit.cycles.selectors import program_for_staff
from gradadmit.eligibility import selectors, services
from gradadmit.eligibility.forms import BulkDecisionForm, DecisionForm, parse_selection
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.exams.selectors import decisions_frozen
from gradadmit.office.permissions import staff_required

# The queue's rows are drawn by Jinja2 (eligibility/jinja2/eligibility/queue_rows.html): a 50-row page in the
# template language spent most of its time on ~900 variable lookups. make bench NAME=review measures it.
QUEUE_ROWS_TEMPLATE = "eligibility/queue_rows.html"


def _display_rows(queue) -> list[dict]:
    """The queue's rows as plain strings: labels translated once per page, URLs built from one reverse each.

    A 50-row page would otherwise spend most of its time in template lookups, gettext and reverse().
    """
    identity = dict(Application._meta.get_field("identity").choices)
    basis = dict(ApplicantProfile._meta.get_field("education_status").choices)
    article = dict(ApplicantProfile._meta.get_field("equivalent_article").choices)
    result = dict(ReviewDecision.Result.choices)
    done = {
        "documents": {True: ("done", _("Complete")), False: ("pending", _("Incomplete")), None: ("none", "—")},
        "paid": {True: ("done", _("Paid")), False: ("pending", _("Not paid")), None: ("none", "—")},
    }
    review_url = reverse("eligibility:review", args=[0]).replace("/0/", "/{}/")
    documents_url = reverse("documents:application_documents", args=[0]).replace("/0/", "/{}/")
    rows = []
    for row in queue.rows:
        application, state = row.application, row.completeness
        profile = getattr(application.applicant, "profile", None)
        education = str(basis.get(getattr(profile, "education_status", ""), ""))
        if getattr(profile, "equivalent_article", None):
            education += f" ({article[profile.equivalent_article]})"
        documents_status, documents_label = done["documents"][state.documents_complete if state else None]
        paid_status, paid_label = done["paid"][state.paid if state else None]
        display = {
            "pk": application.pk,
            "version": row.version,
            "name_zh": getattr(profile, "name_zh", ""),
            "name_en": getattr(profile, "name_en", ""),
            "identity": identity.get(application.identity, ""),
            "education": education,
            "documents_status": documents_status,
            "documents_label": documents_label,
            "paid_status": paid_status,
            "paid_label": paid_label,
            "result": row.result,
            "result_label": result[row.result],
            "review_url": review_url.format(application.pk),
            "documents_url": documents_url.format(application.pk),
        }
        rows.append(display)
    return rows


def _sort_headers(filters) -> dict[str, dict]:
    """Each sortable column's header (core/_sort_header.html): its link sorts by it, or the other way when it is."""
    labels = {
        "number": "#",
        "name": _("Name"),
        "identity": _("Identity"),
        "basis": _("Qualification basis"),
        "review": _("Review"),
    }
    current, descending = filters.sort.lstrip("-") or "number", filters.sort.startswith("-")
    headers = {}
    for key, label in labels.items():
        is_current = key == current
        target = f"-{key}" if is_current and not descending else key
        headers[key] = {
            "label": label,
            "url": "?" + filters.as_query(sort="" if target == "number" else target, page=""),
            "aria_sort": ("descending" if descending else "ascending") if is_current else None,
            "current": is_current,
        }
    return headers


def _warn_unknown_filters(request):
    """A value a filter does not know (a stale or hand-edited URL) is left out, and said so."""
    labels = {
        "status": _("Review"),
        "paid": _("Fee"),
        "documents": _("Documents"),
        "letters": _("Letters"),
        "identity": _("Identity"),
        "basis": _("Qualification basis"),
        "invited": _("Interview"),
        "outcome": _("Ranking result"),
        "sort": _("Sort"),
    }
    for name, value in selectors.QueueFilters.unknown_values(request.GET):
        messages.warning(
            request,
            _("%(filter)s has no value “%(value)s”: that filter was left out. Choose a value from the list.")
            % {"filter": labels[name], "value": value[:40]},
        )


@staff_required()
def review_queue(request, pk):
    program = program_for_staff(request.user, pk)
    filters = selectors.QueueFilters.from_query(request.GET)
    _warn_unknown_filters(request)
    queue = selectors.review_queue(request.user, program, filters, request.GET.get("page") or 1)
    select_label, documents_label = _("Select"), _("Documents")
    rows = _display_rows(queue)
    return render(
        request,
        "eligibility/office_queue.html",
        {
            "program": program,
            "queue": queue,
            "rows": rows,
            # Jinja2 escapes every value (autoescape on); its output is the table's HTML.
            "select_label": select_label,
            "documents_label": documents_label,
            "filters": filters,
            "headers": _sort_headers(filters),
            "bulk_form": BulkDecisionForm(),
            "frozen": decisions_frozen(program),
            "status_options": [
                (value, label, queue.counts.get(value, 0))
                for value, label in [
                    ("pending", _("Not yet reviewed")),
                    ("supplement", _("Needs supplement")),
                    ("committee", _("Referred to the committee")),
                    ("qualified", _("Qualified")),
                    ("not_qualified", _("Not qualified")),
                ]
            ],
        },
    )


@staff_required()
@require_POST
def bulk_decide(request, pk):
    """Two steps: the selection and decision are shown with their count; "Confirm" decides them."""
    program = program_for_staff(request.user, pk)
    query = request.POST.get("filters", "")
    back = reverse("eligibility:queue", args=[program.pk]) + (f"?{query}" if query else "")
    form = BulkDecisionForm(request.POST)
    selection = dict(parse_selection(request.POST.getlist("selected")))
    if not selection:
        messages.error(request, _("Select at least one application."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, _("Choose the decision for the selected applications."))
        return redirect(back)
    applications = list(
        selectors.applications_for_review(request.user, list(selection)).filter(program=program).order_by("pk")
    )
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "eligibility/office_bulk_confirm.html",
            {
                "program": program,
                "form": form,
                "chosen": [(a, selection[a.pk]) for a in applications],
                "query": query,
                "back": back,
                "result_label": dict(ReviewDecision.Result.choices)[form.cleaned_data["result"]],
                "reason_label": dict(ReviewDecision.Reason.choices).get(form.cleaned_data["reason"], ""),
            },
        )
    outcome = services.decide_many(
        actor=request.user,
        selections=[(a, selection[a.pk]) for a in applications],
        result=form.cleaned_data["result"],
        reason=form.cleaned_data["reason"],
        message=form.cleaned_data["message"],
    )
    if outcome.decided:
        messages.success(
            request,
            ngettext("%(count)d application decided.", "%(count)d applications decided.", len(outcome.decided))
            % {"count": len(outcome.decided)},
        )
    for application_id, refusal in outcome.refused:
        messages.error(request, _("Application #%(id)s: %(refusal)s") % {"id": application_id, "refusal": refusal})
    return redirect(back)


@staff_required()
def review_application(request, pk):
    application = selectors.application_for_review(request.user, pk)
    context = selectors.review_context(application)
    decision = context.decision
    current_version = decision.version if decision else 0
    initial = {"version": current_version}
    if decision is not None:
        initial.update(
            result=decision.result if decision.result != ReviewDecision.Result.PENDING else None,
            reason=decision.reason,
            message=decision.message,
            supplement_until=decision.supplement_until,
            supplement_items=list(decision.supplement_items.all()),
            by_committee=decision.by_committee,
            committee_reference=decision.committee_reference,
        )
    form = DecisionForm(request.POST or None, requirements=context.requirements, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_review(
                actor=request.user,
                application=application,
                result=data["result"],
                expected_version=data["version"],
                reason=data["reason"],
                message=data["message"],
                supplement_until=data["supplement_until"],
                supplement_items=data["supplement_items"],
                by_committee=data["by_committee"],
                committee_reference=data["committee_reference"],
            )
        except services.ReviewConflict as conflict:
            messages.error(request, str(conflict))
            context = selectors.review_context(application)
            fresh = {**{k: v for k, v in data.items() if k != "version"}}
            fresh["version"] = context.decision.version if context.decision else 0
            form = DecisionForm(requirements=context.requirements, initial=fresh)
        except DomainError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The decision was saved and the applicant was notified."))
            return redirect("eligibility:review", pk=application.pk)
    return render(
        request,
        "eligibility/office_review.html",
        {
            "application": application,
            "program": application.program,
            "review": context,
            "form": form,
            "frozen": decisions_frozen(application.program),
        },
    )
