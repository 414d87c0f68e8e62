"""Pure eligibility rules (no ORM): what blocks a "qualified" decision for in-service and Article-7 applicants."""

from django.utils.translation import gettext as _

MIN_SERVICE_YEARS = 1


def in_service_problems(*, identity: str, employer: str, service_years: int | None, has_certificate: bool) -> list[str]:
    """Why an in-service application cannot be qualified yet (empty when it can).

    The brochure: in-service applicants are currently employed with at least one year of continuous service,
    proven by a service certificate (服務年資證明書, 附件六).
    """
    if identity != "in_service":
        return []
    problems = []
    if not (employer or "").strip():
        problems.append(_("No current employer is given in the basic details."))
    if (service_years or 0) < MIN_SERVICE_YEARS:
        problems.append(_("Less than one year of continuous service."))
    if not has_certificate:
        problems.append(_("No service certificate (服務年資證明書) was uploaded."))
    return problems


def needs_committee(*, education_status: str, equivalent_article: int | None) -> bool:
    """Article-7 equivalent qualification (outstanding professional achievement) is decided by the committee."""
    return education_status == "equivalent" and equivalent_article == 7
