"""Reads of documents, scoped: the applicant's own, or the programmes of the staff member asking."""

import functools
from collections import defaultdict

from django.http import Http404
from django.shortcuts import get_object_or_404

from gradadmit.core.prepared import Param, prepared
from gradadmit.core.scoping import staff_program_q
from gradadmit.cycles.configuration import configuration_of
from gradadmit.documents.models import Document


def applicable_requirements(application, profile, requirements=None):
    """The programme's items this application must or may give (by identity and education)."""
    status = getattr(profile, "education_status", "")
    if requirements is None:  # the programme's items with template and online form, as the process keeps them
        requirements = configuration_of(application.program.cycle).requirements(application.program_id)
    return [
        requirement
        for requirement in requirements
        if requirement.applies_to_application(identity=application.identity, education_status=status)
    ]


def requirement_of(application, pk):
    """One of the application's programme's document items (template and online form joined), or 404."""
    requirement = configuration_of(application.program.cycle).requirement(application.program_id, pk)
    if requirement is None:
        raise Http404
    return requirement


@functools.cache
def _current_documents(only: tuple | None):
    """The prepared query of current documents selecting `only` these fields (None: every field), one per tuple:
    the documents page reads every field, each checklist the check status alone."""

    def build():
        documents = Document.objects.filter(application__in=Param("applications", many=True), is_current=True)
        documents = documents.order_by()
        return documents if only is None else documents.only("application_id", "requirement_id", *only)

    return prepared(build)


def current_documents(applications, *, only=None) -> dict[int, dict[int, Document]]:
    """{application_id: {requirement_id: current document}} in one query.

    Callers already hold the requirements (the keys): the documents come without them, unordered (no join).
    `only`: the fields the caller reads (a checklist reads the check status alone; each column selected costs).
    """
    result = defaultdict(dict)
    documents = _current_documents(None if only is None else tuple(only))(applications=applications)
    for document in documents:
        result[document.application_id][document.requirement_id] = document
    return result


def document_of_applicant(user, pk) -> Document:
    return get_object_or_404(
        Document.objects.filter(application__applicant=user, is_current=True).select_related("requirement"), pk=pk
    )


def documents_for_staff(user):
    return Document.objects.filter(staff_program_q(user, "application__program")).select_related(
        "requirement", "application__program", "application__applicant__profile"
    )


def document_for_staff(user, pk) -> Document:
    return get_object_or_404(documents_for_staff(user), pk=pk)


def initial_check_queue(user, program):
    return (
        documents_for_staff(user)
        .filter(application__program=program, is_current=True, requirement__needs_initial_check=True)
        .order_by("check_status", "application_id", "requirement__order")
    )
