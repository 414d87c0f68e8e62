"""Reads of privacy: scoped to who asks (an applicant's own exports; cycles for the office)."""

from django.shortcuts import get_object_or_404

from gradadmit.cycles.models import Cycle
from gradadmit.privacy.models import Anonymisation, DataExport


def exports_of(user):
    return DataExport.objects.filter(applicant=user)


def export_of(user, pk) -> DataExport:
    """The applicant's own export; another applicant's id is a 404."""
    return get_object_or_404(exports_of(user), pk=pk)


def latest_export(user) -> DataExport | None:
    return exports_of(user).first()


def cycle_for_office(pk) -> Cycle:
    return get_object_or_404(Cycle, pk=pk)


def anonymisation_of(cycle) -> Anonymisation | None:
    return Anonymisation.objects.filter(cycle=cycle).select_related("requested_by", "registrar_confirmed_by").first()


def cycles_with_retention():
    return Cycle.objects.order_by("-academic_year", "code").select_related("anonymisation")
