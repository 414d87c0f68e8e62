"""The SQL forms of the completeness rules (paid, documents, letters) agree with the checklist rows."""

import itertools
from datetime import timedelta

import pytest

from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.cycles.models import DocumentRequirement, Program
from gradadmit.documents.models import Document
from gradadmit.eligibility.completeness import (
    LETTERS_KEY,
    completeness_for_staff,
    documents_complete_q,
    letters_complete_q,
    paid_q,
)
from gradadmit.fees.models import Charge
from gradadmit.fees.services import application_fee_item
from gradadmit.recommendations.models import RecommendationLetter
from gradadmit.testing.factories import (
    ApplicationFactory,
    CycleFactory,
    FeeItemFactory,
    ProfileFactory,
    ProgramFactory,
    RecommendationRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FEES = ["none", "unpaid", "paid", "waived", "refunded", "partial", "paid+extra unpaid", "paid+extra paid"]
DOCUMENTS = ["none", "all", "all but in-service", "all but equivalent", "one to replace", "all but optional"]
LETTERS = [0, 1, 2]
APPLICANTS = ["expected", "equivalent", "no profile"]


def _requirements(program):
    """Everyone: photo, cv (mandatory), portfolio (optional); in-service: certificate; equivalent: proof."""
    for order, (code, applies_to, mandatory) in enumerate(
        [
            ("cert", DocumentRequirement.AppliesTo.IN_SERVICE, True),
            ("proof", DocumentRequirement.AppliesTo.EQUIVALENT, True),
            ("portfolio", DocumentRequirement.AppliesTo.EVERYONE, False),
        ],
        start=10,
    ):
        DocumentRequirement.objects.create(
            program=program, order=order, code=code, name_zh=code, name_en=code, applies_to=applies_to,
            mandatory=mandatory,
        )  # fmt: skip


def _document(application, requirement, check="not_required"):
    return Document.objects.create(
        application=application, requirement=requirement, file=f"x/{application.pk}-{requirement.pk}.pdf",
        extension="pdf", original_name="x.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
        uploaded_at=clock.now(), check_status=check,
    )  # fmt: skip


def _give_documents(application, how):
    requirements = list(application.program.document_requirements.all())
    skip = {"all but in-service": "cert", "all but equivalent": "proof", "all but optional": "portfolio"}.get(how)
    if how == "none":
        return
    for requirement in requirements:
        if requirement.code == skip:
            continue
        check = "replace" if how == "one to replace" and requirement.code == "cv" else "not_required"
        _document(application, requirement, check)
    if how == "one to replace":  # an older version of the item to replace is not current: it must not count
        Document.objects.filter(application=application, requirement__code="photo").update(is_current=False)
        _document(application, requirements[0])


def _letter():
    return RecommendationLetter.objects.create(
        kind="upload", file="letters/x.pdf", size=10, sha256="0" * 64, submitted_at=clock.now()
    )


def _charge(application, item, status):
    return Charge.objects.create(
        application=application, item=item, base_amount=item.amount, amount_due=item.amount,
        amount_received=item.amount if status in ("paid", "over") else 0, due_at=clock.now() + timedelta(days=3),
        status=status,
    )  # fmt: skip


def _give_fees(application, how, extra):
    item = application_fee_item(application.program.cycle)
    if how == "none":
        return
    main = how.split("+")[0]
    _charge(application, item, main)
    if "extra" in how:
        _charge(application, extra, "unpaid" if how.endswith("unpaid") else "paid")


@pytest.fixture
def applications():
    cycle = CycleFactory()
    extra = FeeItemFactory(cycle=cycle)
    programs = [
        ProgramFactory(
            cycle=cycle, recommendation_policy=Program.RecommendationPolicy.AT_LEAST, recommendations_required=2
        ),
        ProgramFactory(cycle=cycle, recommendation_policy=Program.RecommendationPolicy.OPTIONAL),
        ProgramFactory(cycle=cycle, recommendation_policy=Program.RecommendationPolicy.NONE),
    ]
    for program in programs:
        _requirements(program)
    created = []
    combos = itertools.product(FEES, DOCUMENTS, LETTERS, APPLICANTS, ["general", "in_service"])
    for n, (fees, documents, letters, applicant, identity) in enumerate(combos):
        if n % 7:  # a spread of the 864 combinations, every value of each dimension included
            continue
        if applicant == "no profile":
            user = UserFactory()
        else:
            article = 6 if applicant == "equivalent" else None
            user = ProfileFactory(education_status=applicant, equivalent_article=article).user
        application = ApplicationFactory(program=programs[n % 3], applicant=user, identity=identity)
        _give_documents(application, documents)
        _give_fees(application, fees, extra)
        for k in range(3):
            if k < letters:
                RecommendationRequestFactory(application=application, status="completed", letter=_letter())
            else:
                RecommendationRequestFactory(application=application, status="declined" if k == 2 else "invited")
        created.append(application)
    return created


def test_sql_rules_agree_with_checklist_rows(applications):
    assert len(applications) > 100
    loaded = list(
        Application.objects.filter(pk__in=[a.pk for a in applications]).select_related(
            "applicant__profile", "program__cycle"
        )
    )
    rows = completeness_for_staff(loaded, {}, details=False)
    by_sql = {
        name: set(Application.objects.filter(q).values_list("pk", flat=True))
        for name, q in {"paid": paid_q(), "documents": documents_complete_q(), "letters": letters_complete_q()}.items()
    }
    expected = {
        "paid": {a.pk for a in loaded if rows[a.pk].paid is not False},
        "documents": {a.pk for a in loaded if rows[a.pk].documents_complete is not False},
        "letters": {a.pk for a in loaded if rows[a.pk].row_done(LETTERS_KEY) is not False},
    }
    for name in expected:
        assert by_sql[name] == expected[name], name
        # Both sides of each rule occur in the set, so the agreement says something.
        assert 0 < len(expected[name]) < len(loaded), name


def test_sql_rules_work_inside_one_aggregate(applications):
    from django.db.models import Count

    totals = Application.objects.aggregate(
        paid=Count("id", filter=paid_q()),
        documents=Count("id", filter=documents_complete_q()),
        letters=Count("id", filter=letters_complete_q()),
    )
    assert totals["paid"] == Application.objects.filter(paid_q()).count()
    assert totals["documents"] == Application.objects.filter(documents_complete_q()).count()
    assert totals["letters"] == Application.objects.filter(letters_complete_q()).count()
