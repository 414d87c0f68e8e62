"""The cycle overview: funnel numbers per programme and identity, scoping, fixed queries, the charts' data."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.accounts.models import User
from gradadmit.applications.models import Application
from gradadmit.core import clock
from gradadmit.cycles.models import Milestone, Program
from gradadmit.documents.models import Document
from gradadmit.eligibility.models import ReviewDecision
from gradadmit.enrolment.models import Admission, WaitlistEntry
from gradadmit.fees.models import Charge, Payment
from gradadmit.fees.services import application_fee_item
from gradadmit.office.selectors import cycle_overview
from gradadmit.recommendations.models import RecommendationLetter, RecommendationRequest
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.factories import (
    ApplicationFactory,
    CycleFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    assign,
)

pytestmark = pytest.mark.django_db

STEPS = ["applied", "paid", "documents", "letters", "qualified", "invited", "admitted", "waitlisted", "checked_in"]


def application_start(cycle):
    return Milestone.objects.get(cycle=cycle, kind="application", scope="all").starts_at


def give(application, *steps, paid_at=None):
    """Take `application` through the named funnel steps (rows written directly: the services are tested apart)."""
    now = clock.now()
    if "paid" in steps:
        item = application_fee_item(application.program.cycle)
        charge = Charge.objects.create(
            application=application, item=item, base_amount=item.amount, amount_due=item.amount,
            amount_received=item.amount, due_at=now + timedelta(days=3), status="paid",
        )  # fmt: skip
        Payment.objects.create(charge=charge, amount=item.amount, method="bank", received_at=paid_at or now)
    if "documents" in steps:
        for requirement in application.program.document_requirements.all():
            Document.objects.create(
                application=application, requirement=requirement, file=f"x/{application.pk}-{requirement.pk}",
                extension="pdf", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64,
                uploaded_at=now,
            )  # fmt: skip
    if "letters" in steps:
        letter = RecommendationLetter.objects.create(kind="upload", file="l.pdf", size=1, sha256="0", submitted_at=now)
        RecommendationRequest.objects.create(
            application=application, name="陳", organisation="o", title="t", relationship="r",
            email=f"r{application.pk}@example.tw", status="completed", letter=letter,
            token_expires_at=now + timedelta(days=9),
        )  # fmt: skip
    if "qualified" in steps:
        ReviewDecision.objects.create(application=application, result="qualified", version=1, decided_at=now)
    if "invited" in steps:
        InterviewInvitation.objects.create(application=application, invited_at=now)
    for status in ("offered", "checked_in"):
        if status in steps:
            Admission.objects.create(
                application=application, program=application.program, applicant=application.applicant,
                seat_identity=application.identity, source="result", status=status, deadline=now,
                **({"checked_in_at": now, "how": "online"} if status == "checked_in" else {}),
            )  # fmt: skip
    if "waitlisted" in steps:
        WaitlistEntry.objects.create(
            application=application, program=application.program, identity=application.identity, position=1
        )
    return application


ALL = ("paid", "documents", "letters", "qualified", "invited")


@pytest.fixture
def program():
    return ProgramFactory(recommendation_policy=Program.RecommendationPolicy.AT_LEAST, recommendations_required=1)


@pytest.fixture
def funnel_applications(program):
    def apply(identity, *steps):
        return give(ApplicationFactory(program=program, identity=identity), *steps)

    apply("general")
    apply("general", "paid")
    apply("general", "paid", "documents")
    apply("general", *ALL, "checked_in")
    apply("general", *ALL, "waitlisted")
    withdrawn = apply("general", "paid")
    Application.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    apply("in_service", *ALL, "offered")
    apply("in_service")


def numbers(overview, program):
    funnel = next(f for f in overview.programs if f.program.pk == program.pk)
    return {row.identity: [step.count for step in row.steps] for row in funnel.rows}


def test_each_funnel_step_is_counted_per_identity(program, funnel_applications):
    overview = cycle_overview(OfficeFactory(), program.cycle)
    assert numbers(overview, program) == {
        "general": [5, 4, 3, 2, 2, 2, 1, 1, 1],
        "in_service": [2, 1, 1, 1, 1, 1, 1, 0, 0],
    }
    assert [step.count for step in overview.totals] == [7, 5, 4, 3, 3, 3, 2, 1, 1]


def test_quotas_stand_beside_the_funnel(program, funnel_applications):
    rows = cycle_overview(OfficeFactory(), program.cycle).programs[0].rows
    assert [(r.identity, r.quota, r.waitlist) for r in rows] == [("general", 5, 3), ("in_service", 2, 1)]


def test_letters_of_a_programme_asking_none_are_not_counted(program):
    Program.objects.filter(pk=program.pk).update(recommendation_policy="none", recommendations_required=0)
    ApplicationFactory(program=program)
    row = cycle_overview(OfficeFactory(), program.cycle).programs[0].rows[0]
    assert row.steps[STEPS.index("letters")].count is None


def test_numbers_link_to_the_list_filtered_to_them(client, program, funnel_applications):
    client.force_login(OfficeFactory())
    page = client.get(reverse("office:cycle_overview", args=[program.cycle.pk])).content.decode()
    queue = reverse("eligibility:queue", args=[program.pk])
    assert f'href="{queue}?identity=general&amp;paid=yes">4<' in page
    assert f'href="{queue}?identity=in_service&amp;documents=complete">1<' in page
    assert f'href="{queue}?identity=general&amp;letters=complete">2<' in page
    assert f'href="{queue}?identity=general&amp;status=qualified">2<' in page
    assert f'href="{queue}?identity=in_service&amp;invited=yes">1<' in page
    assert f'href="{queue}?identity=in_service&amp;outcome=admitted">1<' in page
    assert f'href="{queue}?identity=general&amp;outcome=waitlisted">1<' in page
    assert f'href="{queue}?identity=general&amp;outcome=checked_in">1<' in page
    assert "</a>*" not in page and "closest list" not in page  # every number is exact: no footnote


def test_each_number_is_the_row_count_of_the_list_it_opens(client, program, funnel_applications):
    # A letter asked but not completed, a waitlisted application promoted (admitted, no longer waiting), an
    # admission given up: each counted, or not, by the list as by the overview.
    extra = give(ApplicationFactory(program=program, identity="general"), "paid", "qualified")
    RecommendationRequest.objects.create(
        application=extra, name="林", organisation="o", title="t", relationship="r", email="x@example.tw",
        status="invited", token_expires_at=clock.now() + timedelta(days=9),
    )  # fmt: skip
    WaitlistEntry.objects.create(application=extra, program=program, identity="general", position=2, status="offered")
    gave_up = give(ApplicationFactory(program=program, identity="in_service"), *ALL)
    Admission.objects.create(
        application=gave_up, program=program, applicant=gave_up.applicant, seat_identity="in_service",
        source="result", status="given_up", deadline=clock.now(), given_up_at=clock.now(),
    )  # fmt: skip
    client.force_login(OfficeFactory())
    overview = client.get(reverse("office:cycle_overview", args=[program.cycle.pk])).context["overview"]
    checked = 0
    for row in overview.programs[0].rows:
        for step in row.steps:
            listed = client.get(step.url)
            assert listed.status_code == 200
            assert listed.context["queue"].page.paginator.count == step.count, (row.identity, step.key)
            assert len(listed.context["queue"].rows) == step.count, (row.identity, step.key)
            assert not list(listed.context["messages"]), step.url  # every filter of the link is known
            checked += 1
    assert checked == len(STEPS) * 2


def test_office_home_links_every_cycle_and_programme_to_the_overview(client, program):
    client.force_login(OfficeFactory())
    page = client.get(reverse("office:home")).content.decode()
    url = reverse("office:cycle_overview", args=[program.cycle.pk])
    assert f'href="{url}"' in page
    assert f'href="{url}#program-{program.pk}"' in page


# --- Scoping -------------------------------------------------------------------------------------------------


def test_department_staff_see_only_their_programmes(client, program, funnel_applications):
    other = ProgramFactory(cycle=program.cycle, code="OTHER1")
    ApplicationFactory(program=other)
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    response = client.get(reverse("office:cycle_overview", args=[program.cycle.pk]))
    assert response.status_code == 200
    assert [f.program.pk for f in response.context["overview"].programs] == [program.pk]
    assert "OTHER1" not in response.content.decode()
    assert [step.count for step in response.context["overview"].totals][0] == 7


def test_department_staff_get_404_for_a_cycle_without_their_programmes(client, program):
    staff = DepartmentStaffFactory()
    assign(staff, program)
    elsewhere = ProgramFactory()
    client.force_login(staff)
    assert client.get(reverse("office:cycle_overview", args=[elsewhere.cycle.pk])).status_code == 404


def test_applicants_cannot_open_the_overview(client, program):
    client.force_login(ApplicationFactory(program=program).applicant)
    assert client.get(reverse("office:cycle_overview", args=[program.cycle.pk])).status_code in (302, 403, 404)


# --- Fixed number of queries -------------------------------------------------------------------------------


def bulk_cycle(size: int):
    """A cycle of `size` applications in two programmes, every funnel state present, written in bulk."""
    cycle = CycleFactory()
    programs = [
        ProgramFactory(cycle=cycle, recommendation_policy="at_least", recommendations_required=1),
        ProgramFactory(cycle=cycle),
    ]
    now = clock.now()
    users = User.objects.bulk_create(
        User(email=f"bulk{cycle.pk}-{n}@example.tw", password="!", pdpa_consent_at=now) for n in range(size)
    )
    users = list(User.objects.filter(email__startswith=f"bulk{cycle.pk}-").order_by("id"))
    Application.objects.bulk_create(
        Application(
            applicant=user,
            program=programs[n % 2],
            identity="in_service" if n % 4 == 0 else "general",
            applied_at=now - timedelta(days=n % 5),
        )  # fmt: skip
        for n, user in enumerate(users)
    )
    applications = list(Application.objects.filter(program__cycle=cycle).order_by("id"))
    item = application_fee_item(cycle)
    charges = Charge.objects.bulk_create(
        Charge(
            application=a, item=item, base_amount=900, amount_due=900, amount_received=900, due_at=now, status="paid"
        )  # fmt: skip
        for a in applications[: size // 2]
    )
    Payment.objects.bulk_create(Payment(charge=c, amount=900, method="bank", received_at=now) for c in charges)
    requirements = {p.pk: list(p.document_requirements.all()) for p in programs}
    Document.objects.bulk_create(
        Document(
            application=a,
            requirement=r,
            file="x",
            extension="pdf",
            original_name="x",
            content_type="x",
            size=1,
            sha256="0",
            uploaded_at=now - timedelta(hours=n % 50),
        )  # fmt: skip
        for n, a in enumerate(applications[: size // 3])
        for r in requirements[a.program_id]
    )
    ReviewDecision.objects.bulk_create(
        ReviewDecision(application=a, result="qualified", version=1, decided_at=now) for a in applications[: size // 4]
    )
    InterviewInvitation.objects.bulk_create(
        InterviewInvitation(application=a, invited_at=now) for a in applications[: size // 5]
    )
    Admission.objects.bulk_create(
        Admission(
            application=a,
            program=a.program,
            applicant_id=a.applicant_id,
            seat_identity=a.identity,
            source="result",
            status="checked_in" if n % 2 else "offered",
            deadline=now,
            checked_in_at=now if n % 2 else None,
            how="paper" if n % 2 else "",
        )  # fmt: skip
        for n, a in enumerate(applications[: size // 10])
    )
    WaitlistEntry.objects.bulk_create(
        WaitlistEntry(application=a, program=a.program, identity=a.identity, position=n + 1)
        for n, a in enumerate(applications[size // 10 : size // 10 + 3])
    )
    return cycle


def overview_queries(client, cycle) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("office:cycle_overview", args=[cycle.pk]))
    assert response.status_code == 200
    return len(queries), response.context["overview"]


def test_the_overview_costs_the_same_queries_at_50_and_500_applications(client, settings):
    settings.GRADADMIT_OVERVIEW_CACHE_SECONDS = 0  # counted every time
    client.force_login(OfficeFactory())
    small, large = bulk_cycle(50), bulk_cycle(500)
    overview_queries(client, small), overview_queries(client, large)  # what each process keeps is loaded now
    small_count, small_overview = overview_queries(client, small)
    large_count, large_overview = overview_queries(client, large)
    assert small_count == large_count
    assert sum(s.count for s in large_overview.totals[:1]) == 500
    assert large_overview.totals[STEPS.index("paid")].count == 250


# --- Charts ------------------------------------------------------------------------------------------------


def chart_data(client, cycle) -> dict:
    page = client.get(reverse("office:cycle_overview", args=[cycle.pk])).content.decode()
    start = page.index('<script id="cycle-overview-data" type="application/json">') + len(
        '<script id="cycle-overview-data" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


def test_applications_and_payments_per_day_beside_the_cycle_it_was_cloned_from(client, program):
    cycle = program.cycle
    previous = CycleFactory(code="previous-cycle")
    Milestone.objects.filter(cycle=previous, kind="application").update(
        starts_at=application_start(cycle) - timedelta(days=365)
    )
    cycle.cloned_from = previous
    cycle.save()
    before = ProgramFactory(cycle=previous, code=program.code)
    start = application_start(cycle)
    for day, count in [(0, 2), (1, 3), (3, 1)]:
        for _ in range(count):
            give(ApplicationFactory(program=program, applied_at=start + timedelta(days=day)), "paid",
                 paid_at=start + timedelta(days=day + 1))  # fmt: skip
    for day in (1, 1, 2):
        ApplicationFactory(program=before, applied_at=start - timedelta(days=365 - day))
    client.force_login(OfficeFactory())
    data = chart_data(client, cycle)
    applications, payments = data["applications"], data["payments"]
    assert len(applications["labels"]) == 6  # the window's first day up to today
    assert applications["series"][0]["values"] == [2, 3, 0, 1, 0, 0]
    assert applications["series"][1]["values"] == [0, 2, 1, 0, 0, 0]
    assert payments["series"][0]["values"] == [0, 2, 3, 0, 1, 0]
    assert payments["series"][1]["values"] == [0] * 6


def test_a_cycle_not_cloned_has_one_series_per_chart(client, program):
    ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    data = chart_data(client, program.cycle)
    assert [len(data[k]["series"]) for k in ("applications", "payments")] == [1, 1]


def test_uploads_per_hour_over_the_last_days_before_the_documents_deadline(client, program):
    deadline = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    Milestone.objects.filter(cycle=program.cycle, kind="documents").update(
        starts_at=deadline - timedelta(days=10), ends_at=deadline
    )
    application = ApplicationFactory(program=program)
    requirement = program.document_requirements.first()
    for hours_before, minutes in [(1, 10), (1, 50), (2, 5), (80, 0)]:  # the last one is outside the 3 days
        Document.objects.create(
            application=application, requirement=requirement, file="x", extension="pdf", original_name="x",
            content_type="x", size=1, sha256="0", is_current=False,
            uploaded_at=deadline - timedelta(hours=hours_before) + timedelta(minutes=minutes),
        )  # fmt: skip
    client.force_login(OfficeFactory())
    uploads = chart_data(client, program.cycle)["uploads"]
    values = uploads["series"][0]["values"]
    assert len(values) == 73  # every hour of the three days, and the deadline's own hour
    assert values[-2:] == [2, 0] and values[-3] == 1 and sum(values) == 3


# --- Counted again after a while -------------------------------------------------------------------------------


def test_figures_are_reused_for_a_minute_then_counted_again(client, program, settings):
    settings.GRADADMIT_OVERVIEW_CACHE_SECONDS = 60
    ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    first, overview = overview_queries(client, program.cycle)
    ApplicationFactory(program=program)
    again, cached = overview_queries(client, program.cycle)
    assert again < first and cached.totals[0].count == 1  # the figures counted a moment ago
    from django.core.cache import cache

    cache.clear()  # as when the minute is over
    _, fresh = overview_queries(client, program.cycle)
    assert fresh.totals[0].count == 2


def test_department_staff_never_read_figures_counted_for_the_whole_cycle(client, program):
    other = ProgramFactory(cycle=program.cycle)
    ApplicationFactory(program=program)
    ApplicationFactory(program=other)
    client.force_login(OfficeFactory())
    assert overview_queries(client, program.cycle)[1].totals[0].count == 2
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    assert overview_queries(client, program.cycle)[1].totals[0].count == 1


def test_without_the_cache_every_request_counts(client, program, settings):
    settings.GRADADMIT_OVERVIEW_CACHE_SECONDS = 0
    ApplicationFactory(program=program)
    client.force_login(OfficeFactory())
    overview_queries(client, program.cycle)
    ApplicationFactory(program=program)
    assert overview_queries(client, program.cycle)[1].totals[0].count == 2
