"""The score table (per stage and reviewer) and a ranking run's results: filtered and sorted, and as Excel files."""

import pytest
from django.urls import reverse
from django.utils import translation

from gradadmit.core import clock
from gradadmit.scoring import services
from gradadmit.scoring.models import InterviewInvitation
from gradadmit.testing.exports import export_queries, read_export, rows_of
from gradadmit.testing.factories import (
    ApplicationFactory,
    DepartmentStaffFactory,
    OfficeFactory,
    ProgramFactory,
    ReviewerAssignmentFactory,
    assign,
)

pytestmark = pytest.mark.django_db


def stage(program, order=1):
    return program.stages.get(order=order)


def score(office, application, value):
    for order in (1, 2):
        services.enter_stage_score(actor=office, application=application, stage=stage(application.program, order),
                                   score=value)  # fmt: skip


def scored(program, office, n, identity="general"):
    applications = [ApplicationFactory(program=program, identity=identity) for _ in range(n)]
    for i, application in enumerate(applications):
        score(office, application, 90 - i)
    return applications


# --- Score table -----------------------------------------------------------------------------------------


def scores_url(program):
    return reverse("scoring:scores_xlsx", args=[program.pk])


def test_score_export_has_a_row_per_stage_and_per_reviewer(client):
    assignment = ReviewerAssignmentFactory()
    application = ApplicationFactory(program=assignment.program)
    services.submit_reviewer_score(reviewer=assignment.reviewer, application=application,
                                   stage=stage(assignment.program), score=71)  # fmt: skip
    client.force_login(OfficeFactory())
    with translation.override("zh-hant"):
        response = client.get(scores_url(assignment.program))
    assert f'filename="scores-{assignment.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    rows = rows_of(sheet)
    assert rows[0][3:6] == ["階段", "評分委員", "分數"]
    assert [(row[4], row[5]) for row in rows[1:]] == [(None, 71), (assignment.reviewer.email, 71)]
    assert sheet.cell(2, 1).value == str(application.pk) and sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(3, 10).is_date


def test_a_reviewer_on_the_staff_sees_others_scores_only_after_their_own(client):
    assignment = ReviewerAssignmentFactory()
    program = assignment.program
    assign(assignment.reviewer, program)
    application = ApplicationFactory(program=program)
    services.submit_reviewer_score(reviewer=DepartmentStaffFactory(), application=application, stage=stage(program),
                                   score=61)  # fmt: skip
    client.force_login(assignment.reviewer)
    rows = rows_of(read_export(client.get(scores_url(program))))
    assert [row[4] for row in rows[1:]] == [None]  # the stage score only, no other reviewer's


def test_score_export_follows_the_identity_filter(client):
    program, office = ProgramFactory(), OfficeFactory()
    scored(program, office, 1)
    (in_service,) = scored(program, office, 1, identity="in_service")
    client.force_login(office)
    rows = rows_of(read_export(client.get(scores_url(program) + "?identity=in_service")))
    assert {row[0] for row in rows[1:]} == {str(in_service.pk)}


def test_score_page_is_sorted_paged_and_links_the_export(client):
    program, office = ProgramFactory(), OfficeFactory()
    first, second = scored(program, office, 2)
    client.force_login(office)
    response = client.get(reverse("scoring:scores", args=[program.pk]) + "?sort=-application")
    assert [row["application"] for row in response.context["rows"]] == [second, first]
    assert "scores.xlsx?sort=-application" in response.content.decode()


def test_score_export_of_another_programme_is_404(client):
    program = ProgramFactory()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(scores_url(program)).status_code == 404


def test_empty_score_table_exports_only_the_headers(client):
    client.force_login(OfficeFactory())
    assert read_export(client.get(scores_url(ProgramFactory()))).max_row == 1


def test_score_export_queries_do_not_grow(client):
    program, office = ProgramFactory(), OfficeFactory()
    scored(program, office, 5)
    client.force_login(office)
    five = export_queries(client, scores_url(program))
    scored(program, office, 45)
    assert export_queries(client, scores_url(program)) == five


# --- Ranking run -----------------------------------------------------------------------------------------


def run_of(n, quota_general=1):
    program = ProgramFactory(quota_general=quota_general, quota_in_service=0, waitlist_general=1)
    office = OfficeFactory()
    applications = scored(program, office, n)
    for application in applications:
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
    return services.run_ranking(actor=office, program=program), applications, office


def run_url(run):
    return reverse("scoring:run_xlsx", args=[run.pk])


def test_run_export_has_results_with_explanations(client):
    run, (first, second, third), office = run_of(3)
    client.force_login(office)
    with translation.override("zh-hant"):
        response = client.get(run_url(run))
    assert f'filename="ranking-run-{run.number}-{run.program.code}-' in response["Content-Disposition"]
    sheet = read_export(response)
    rows = rows_of(sheet)
    assert rows[0][4] == "名次"
    assert [row[0] for row in rows[1:]] == [str(first.pk), str(second.pk), str(third.pk)]
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(2, 5).value == 1 and sheet.cell(2, 6).value == 90
    assert rows[1][8]  # the plain-words explanation


def test_run_export_follows_the_result_filter(client):
    run, (_first, second, _third), office = run_of(3)
    client.force_login(office)
    rows = rows_of(read_export(client.get(run_url(run) + "?result=waitlisted")))
    assert [row[0] for row in rows[1:]] == [str(second.pk)]


def test_run_page_is_sorted_and_links_the_export(client):
    run, (first, second, third), office = run_of(3)
    client.force_login(office)
    response = client.get(reverse("scoring:run_detail", args=[run.pk]) + "?sort=total")
    assert [row.key for row in response.context["rows"]] == [third.pk, second.pk, first.pk]
    assert 'aria-sort="ascending"' in response.content.decode()
    assert "results.xlsx?sort=total" in response.content.decode()


def test_run_export_of_another_programme_is_404(client):
    run, _applications, _office = run_of(1)
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(run_url(run)).status_code == 404


def test_run_without_outcomes_exports_only_the_headers(client):
    run, _applications, office = run_of(0)
    client.force_login(office)
    assert read_export(client.get(run_url(run))).max_row == 1


def test_run_export_queries_do_not_grow(client):
    small, _a, office = run_of(5)
    big, _b, _o = run_of(50)
    client.force_login(office)
    assert export_queries(client, run_url(big)) == export_queries(client, run_url(small))
