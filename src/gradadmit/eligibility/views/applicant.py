"""The applicant's review result (報名資格審查結果) and what is still missing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gradadmit.accounts.selectors import get_profile
from gradadmit.applications.selectors import application_of
from gradadmit.eligibility import selectors


@login_required
def result(request, pk):
    application = application_of(request.user, pk)
    profile = get_profile(request.user)
    item, completeness = selectors.applicant_review(request.user, profile, application)
    ticket_row = next((row for row in item["rows"] if row.key == "ticket"), None)
    return render(
        request,
        "eligibility/result.html",
        {
            "application": application,
            "item": item,
            "completeness": completeness,
            "decision": completeness.decision,
            "ticket_row": ticket_row,
        },
    )
