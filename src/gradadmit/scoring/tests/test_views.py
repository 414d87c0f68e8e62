"""Scoring pages: who may see what (another user's id is a 404), publication timing, fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradadmit.core import clock
from gradadmit.core.models import AuditEntry
from gradadmit.cycles.models import Milestone
from gradadmit.scoring import services
from gradadmit.scoring.models import InterviewInvitation, ReviewerScore, ScoringSettings, StageScore
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


def scored_program(n=3, quota_general=1):
    program = ProgramFactory(quota_general=quota_general, quota_in_service=0, waitlist_general=1)
    office = OfficeFactory()
    apps = []
    for i in range(n):
        application = ApplicationFactory(program=program)
        for order in (1, 2):
            services.enter_stage_score(actor=office, application=application, stage=stage(program, order), score=90 - i)
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
        apps.append(application)
    return program, apps, office


def publish(program, office):
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    run = services.run_ranking(actor=office, program=program)
    services.publish_run(actor=office, run=run)
    return run


# --- reviewer ----------------------------------------------------------------------------------------


def test_reviewer_scores_an_assigned_application(client):
    assignment = ReviewerAssignmentFactory()
    application = ApplicationFactory(program=assignment.program)
    client.force_login(assignment.reviewer)
    url = reverse("scoring:review_score", args=[assignment.program.pk, application.pk, stage(application.program).pk])
    response = client.post(url, {"score": "88.5", "comment": "clear"})
    assert response.status_code == 302
    assert StageScore.objects.get().score == 88.5


def test_reviewer_scoring_unassigned_application_is_404(client):
    assignment = ReviewerAssignmentFactory()
    other = ApplicationFactory()
    client.force_login(assignment.reviewer)
    url = reverse("scoring:review_score", args=[assignment.program.pk, other.pk, stage(other.program).pk])
    assert client.post(url, {"score": "50"}).status_code == 404
    assert not ReviewerScore.objects.exists()


def test_reviewer_assigned_to_one_application_cannot_score_another_of_the_programme(client):
    program = ProgramFactory()
    mine, other = ApplicationFactory(program=program), ApplicationFactory(program=program)
    assignment = ReviewerAssignmentFactory(program=program, application=mine)
    client.force_login(assignment.reviewer)
    url = reverse("scoring:review_score", args=[program.pk, other.pk, stage(program).pk])
    assert client.get(url).status_code == 404


def test_conflict_of_interest_hides_the_application(client):
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = ReviewerAssignmentFactory(program=program).reviewer
    ReviewerAssignmentFactory(program=program, reviewer=reviewer, application=application, conflict_declared=True)
    client.force_login(reviewer)
    url = reverse("scoring:review_score", args=[program.pk, application.pk, stage(program).pk])
    assert client.get(url).status_code == 404


def test_reviewer_does_not_see_others_scores_before_own(client):
    assignment = ReviewerAssignmentFactory()
    application = ApplicationFactory(program=assignment.program)
    s1 = stage(application.program)
    services.submit_reviewer_score(reviewer=DepartmentStaffFactory(), application=application, stage=s1, score=61)
    client.force_login(assignment.reviewer)
    url = reverse("scoring:review_score", args=[assignment.program.pk, application.pk, s1.pk])
    assert client.get(url).context["others"] == []
    client.post(url, {"score": "70"})
    assert len(client.get(url).context["others"]) == 2


def test_invalid_score_shows_error_and_stores_nothing(client):
    assignment = ReviewerAssignmentFactory()
    application = ApplicationFactory(program=assignment.program)
    client.force_login(assignment.reviewer)
    url = reverse("scoring:review_score", args=[assignment.program.pk, application.pk, stage(application.program).pk])
    assert client.post(url, {"score": "101"}).status_code == 200
    assert not StageScore.objects.exists()


# --- office --------------------------------------------------------------------------------------------


def test_department_staff_of_another_programme_gets_404(client):
    program, _apps, _office = scored_program()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("scoring:scores", args=[program.pk])).status_code == 404
    assert client.get(reverse("scoring:runs", args=[program.pk])).status_code == 404


def test_applicant_cannot_open_office_pages(client):
    program, apps, _office = scored_program()
    client.force_login(apps[0].applicant)
    assert client.get(reverse("scoring:scores", args=[program.pk])).status_code == 403


def test_assigned_department_staff_enters_score(client):
    program, apps, _office = scored_program()
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    response = client.post(
        reverse("scoring:scores", args=[program.pk]),
        {"application": apps[0].pk, "stage": stage(program).pk, "score": "77"},
    )
    assert response.status_code == 302
    assert StageScore.objects.get(application=apps[0], stage=stage(program)).score == 77


def test_run_detail_of_another_programme_is_404(client):
    program, _apps, office = scored_program()
    run = services.run_ranking(actor=office, program=program)
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("scoring:run_detail", args=[run.pk])).status_code == 404


def test_department_cannot_publish_via_page(client):
    program, _apps, office = scored_program()
    run = services.run_ranking(actor=office, program=program)
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    assert client.post(reverse("scoring:publish", args=[run.pk])).status_code == 403


def test_score_table_query_count_does_not_grow(client, django_assert_max_num_queries):
    office = OfficeFactory()
    client.force_login(office)
    small, _a, _o = scored_program(n=2)
    big, _b, _p = scored_program(n=12)
    client.get(reverse("scoring:scores", args=[small.pk]))  # the user is kept from now on (accounts.signed_in)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("scoring:scores", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("scoring:scores", args=[big.pk]))
    assert len(many) == len(few)


def test_run_detail_query_count_does_not_grow(client):
    office = OfficeFactory()
    client.force_login(office)
    small, _a, _o = scored_program(n=2)
    big, _b, _p = scored_program(n=12)
    small_run = services.run_ranking(actor=office, program=small)
    big_run = services.run_ranking(actor=office, program=big)
    client.get(reverse("scoring:run_detail", args=[small_run.pk]))  # the user is kept from now on (accounts.signed_in)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("scoring:run_detail", args=[small_run.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("scoring:run_detail", args=[big_run.pk]))
    assert len(many) == len(few)


def test_ranking_run_in_fixed_queries():
    office = OfficeFactory()
    small, _a, _o = scored_program(n=2)
    big, _b, _p = scored_program(n=15)
    with CaptureQueriesContext(connection) as few:
        services.run_ranking(actor=office, program=small)
    with CaptureQueriesContext(connection) as many:
        services.run_ranking(actor=office, program=big)
    assert len(many) == len(few)


def test_office_dry_run_then_publish(client):
    program, _apps, office = scored_program()
    Milestone.objects.filter(cycle=program.cycle, kind="results").update(starts_at=clock.now() - timedelta(hours=1))
    run = services.run_ranking(actor=office, program=program)
    client.force_login(office)
    client.post(reverse("scoring:publish", args=[run.pk]), {"dry_run": "1"})
    run.refresh_from_db()
    assert run.state == "proposed"
    client.post(reverse("scoring:publish", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == "published"


# --- applicant and public ---------------------------------------------------------------------------


def test_result_not_visible_before_publication(client):
    program, apps, office = scored_program()
    services.run_ranking(actor=office, program=program)
    client.force_login(apps[0].applicant)
    page = client.get(reverse("scoring:result", args=[apps[0].pk]))
    assert page.context["published"] is False
    assert "Admitted" not in page.content.decode()


def test_applicant_sees_own_result_with_explanation(client, english):
    program, apps, office = scored_program()
    publish(program, office)
    client.force_login(apps[1].applicant)
    page = client.get(reverse("scoring:result", args=[apps[1].pk]))
    assert page.context["outcome"]["status"] == "waitlisted"
    assert "waitlist" in page.context["explanation"]
    assert page.context["outcome"]["total"] == "89.00"


def test_applicant_cannot_see_anothers_result(client):
    program, apps, office = scored_program()
    publish(program, office)
    client.force_login(apps[0].applicant)
    assert client.get(reverse("scoring:result", args=[apps[1].pk])).status_code == 404


def test_public_list_masks_names_and_hides_not_admitted(client):
    program, apps, office = scored_program(n=3)
    publish(program, office)
    page = client.get(reverse("scoring:public_results", args=[program.pk]))
    assert [r["name"] for r in page.context["admitted"]] == ["王○明"]
    assert len(page.context["waitlisted"]) == 1
    assert "王小明" not in page.content.decode()


def test_public_list_empty_before_results_time(client):
    program, _apps, office = scored_program()
    services.run_ranking(actor=office, program=program)
    page = client.get(reverse("scoring:public_results", args=[program.pk]))
    assert page.context["published"] is False


def test_checklist_row_shows_result_after_publication():
    from gradadmit.core.checklist import ChecklistContext
    from gradadmit.core.deadlines import calendars_for
    from gradadmit.scoring.checklist import result_rows

    program, apps, office = scored_program()
    application = apps[0]
    context = ChecklistContext(application.applicant, None, calendars_for([program.cycle]), "all")
    assert result_rows([application], context) == {}
    publish(program, office)
    context = ChecklistContext(application.applicant, None, calendars_for([program.cycle]), "all")
    (row,) = result_rows([application], context)[application.pk]
    assert row.key == "result"
    assert row.url == reverse("scoring:result", args=[application.pk])


# --- regrade, appeal, import pages ------------------------------------------------------------------


def test_applicant_requests_regrade_and_office_answers_it(client):
    program, apps, office = scored_program()
    publish(program, office)
    now = clock.now()
    Milestone.objects.create(
        cycle=program.cycle, kind="regrade", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1)
    )
    s2 = stage(program, 2)
    client.force_login(apps[1].applicant)
    client.post(reverse("scoring:result", args=[apps[1].pk]), {"action": "regrade", "stage": [s2.pk]})
    regrade = apps[1].regrades.get()
    client.force_login(office)
    client.post(
        reverse("scoring:regrades", args=[program.pk]),
        {"request": regrade.pk, f"score-{s2.pk}": "99", f"outcome-{s2.pk}": "Sum corrected"},
    )
    regrade.refresh_from_db()
    assert regrade.status == "answered"
    assert StageScore.objects.get(application=apps[1], stage=s2).score == 99


def test_regrade_of_another_programme_cannot_be_answered(client):
    program, apps, office = scored_program()
    staff = DepartmentStaffFactory()
    assign(staff, ProgramFactory())
    client.force_login(staff)
    assert client.get(reverse("scoring:regrades", args=[program.pk])).status_code == 404


def test_applicant_appeals_after_publication(client):
    program, apps, office = scored_program()
    publish(program, office)
    client.force_login(apps[0].applicant)
    client.post(reverse("scoring:result", args=[apps[0].pk]), {"action": "appeal", "facts": "Interview ran short"})
    appeal = apps[0].appeals.get()
    client.force_login(office)
    client.post(reverse("scoring:answer_appeal", args=[appeal.pk]), {"answer": "Reviewed; no change."})
    appeal.refresh_from_db()
    assert appeal.status == "answered"


def test_department_cannot_answer_appeal(client):
    program, apps, office = scored_program()
    publish(program, office)
    from gradadmit.scoring.services import submit_appeal

    appeal = submit_appeal(applicant=apps[0].applicant, application=apps[0], facts="x")
    staff = DepartmentStaffFactory()
    assign(staff, program)
    client.force_login(staff)
    assert client.post(reverse("scoring:answer_appeal", args=[appeal.pk]), {"answer": "no"}).status_code == 403


def test_import_page_dry_run_then_apply(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    program, apps, office = scored_program(n=1)
    client.force_login(office)
    url = reverse("scoring:import_scores", args=[program.pk])
    body = f"application,stage,score\n{apps[0].pk},1,55\n".encode()
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", body)})
    assert len(page.context["report"].rows) == 1
    assert StageScore.objects.get(application=apps[0], stage=stage(program)).score == 90
    client.post(url, {"file": SimpleUploadedFile("s.csv", body), "apply": "1"})
    assert StageScore.objects.get(application=apps[0], stage=stage(program)).score == 55


def test_garbage_ids_in_score_form_are_404_not_500(client):
    program, _apps, office = scored_program(n=1)
    client.force_login(office)
    response = client.post(reverse("scoring:scores", args=[program.pk]), {"application": "x", "stage": "y"})
    assert response.status_code == 404


def test_office_records_committee_order_on_the_run_page(client):
    program = ProgramFactory(quota_general=1, quota_in_service=0)
    office = OfficeFactory()
    apps = []
    for _ in range(2):
        application = ApplicationFactory(program=program)
        for order in (1, 2):
            services.enter_stage_score(actor=office, application=application, stage=stage(program, order), score=80)
        InterviewInvitation.objects.create(application=application, invited_at=clock.now())
        apps.append(application)
    run = services.run_ranking(actor=office, program=program)
    client.force_login(office)
    response = client.post(reverse("scoring:committee_order", args=[run.pk]), {"order": f"{apps[1].pk}, {apps[0].pk}"})
    new_run = program.ranking_runs.get(number=2)
    assert response.url == reverse("scoring:run_detail", args=[new_run.pk])
    assert new_run.outcome_of(apps[1].pk)["status"] == "admitted"


# --- scoring settings page ---------------------------------------------------------------------------

SETTINGS_FORM = {
    "aggregation": "mean",
    "disagreement_threshold": "20",
    "pass_minimum": "",
    "pass_top_n": "",
    "show_rank": "on",
    "appeal_days": "10",
}


def staff_of(program):
    staff = DepartmentStaffFactory()
    assign(staff, program)
    return staff


def test_settings_page_is_404_for_staff_of_another_programme(client):
    program = ProgramFactory()
    client.force_login(staff_of(ProgramFactory()))
    url = reverse("scoring:settings", args=[program.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**SETTINGS_FORM, "show_rank": ""}).status_code == 404
    assert not ScoringSettings.objects.exists()


def test_applicant_cannot_open_the_settings_page(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    assert client.get(reverse("scoring:settings", args=[application.program.pk])).status_code == 403


def test_office_programme_page_links_to_the_score_table(client):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    page = client.get(reverse("office:program_applications", args=[program.pk])).content.decode()
    assert reverse("scoring:scores", args=[program.pk]) in page


def test_score_table_links_to_the_settings(client):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    page = client.get(reverse("scoring:scores", args=[program.pk])).content.decode()
    assert reverse("scoring:settings", args=[program.pk]) in page


def test_assigned_department_staff_saves_settings(client):
    program = ProgramFactory()
    staff = staff_of(program)
    client.force_login(staff)
    url = reverse("scoring:settings", args=[program.pk])
    response = client.post(url, {**SETTINGS_FORM, "aggregation": "median", "pass_top_n": "8"})
    assert response.status_code == 302 and response.url == url
    settings = ScoringSettings.objects.get(program=program)
    assert (settings.aggregation, settings.pass_top_n, settings.show_rank, settings.admit_all_tied) == (
        "median", 8, True, False
    )  # fmt: skip
    assert AuditEntry.objects.get(action="scoring.settings").actor == staff


def test_settings_with_both_pass_rules_shows_the_error_and_keeps_the_input(client, english):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    response = client.post(
        reverse("scoring:settings", args=[program.pk]), {**SETTINGS_FORM, "pass_minimum": "60", "pass_top_n": "8"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "not both" in page and 'role="alert"' in page
    assert 'value="60"' in page and 'value="8"' in page
    assert not ScoringSettings.objects.exists()


def test_settings_threshold_out_of_range_is_an_error_at_the_field(client, english):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    response = client.post(
        reverse("scoring:settings", args=[program.pk]), {**SETTINGS_FORM, "disagreement_threshold": "150"}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["disagreement_threshold"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ScoringSettings.objects.exists()


def test_settings_page_after_stage_submission_locks_the_stage_score_method(client, english):
    program = ProgramFactory()
    office = OfficeFactory()
    services.submit_stage(actor=office, stage=stage(program))
    client.force_login(staff_of(program))
    url = reverse("scoring:settings", args=[program.pk])
    page = client.get(url)
    assert page.context["form"].fields["aggregation"].disabled
    assert "A stage is submitted" in page.content.decode()
    client.post(url, {**SETTINGS_FORM, "aggregation": "median", "show_rank": ""})  # a forged value is not taken
    settings = ScoringSettings.objects.get(program=program)
    assert (settings.aggregation, settings.show_rank) == ("mean", False)


def test_settings_page_in_few_queries(client, django_assert_max_num_queries):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scoring:settings", args=[program.pk])).status_code == 200


# --- reviewer assignments page ----------------------------------------------------------------------


def test_reviewer_pages_are_404_for_staff_of_another_programme(client):
    assignment = ReviewerAssignmentFactory()
    program = assignment.program
    client.force_login(staff_of(ProgramFactory()))
    assert client.get(reverse("scoring:reviewers", args=[program.pk])).status_code == 404
    assert client.post(reverse("scoring:reviewers", args=[program.pk]),
                       {"reviewer": DepartmentStaffFactory().pk}).status_code == 404  # fmt: skip
    assert client.post(reverse("scoring:remove_reviewer", args=[program.pk, assignment.pk])).status_code == 404
    assert list(program.reviewer_assignments.all()) == [assignment]


def test_applicant_cannot_open_the_reviewers_page(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    assert client.get(reverse("scoring:reviewers", args=[application.program.pk])).status_code == 403


def test_score_table_links_to_the_reviewers(client):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    page = client.get(reverse("scoring:scores", args=[program.pk])).content.decode()
    assert reverse("scoring:reviewers", args=[program.pk]) in page


def test_staff_assigns_a_reviewer_on_the_page(client):
    program = ProgramFactory()
    application = ApplicationFactory(program=program)
    reviewer = DepartmentStaffFactory()
    client.force_login(staff_of(program))
    url = reverse("scoring:reviewers", args=[program.pk])
    response = client.post(url, {"reviewer": reviewer.pk, "application": application.pk})
    assert response.status_code == 302
    assignment = program.reviewer_assignments.get()
    assert (assignment.reviewer, assignment.application) == (reviewer, application)
    assert reviewer.email in client.get(url).content.decode()


def test_duplicate_assignment_on_the_page_shows_the_error(client, english):
    assignment = ReviewerAssignmentFactory()
    client.force_login(staff_of(assignment.program))
    response = client.post(
        reverse("scoring:reviewers", args=[assignment.program.pk]), {"reviewer": assignment.reviewer.pk}
    )
    assert response.status_code == 400
    assert "already assigned to this programme" in response.content.decode()
    assert assignment.program.reviewer_assignments.count() == 1


def test_applicant_cannot_be_chosen_as_reviewer(client, english):
    program = ProgramFactory()
    applicant = ApplicationFactory(program=program).applicant
    client.force_login(staff_of(program))
    url = reverse("scoring:reviewers", args=[program.pk])
    assert applicant.email not in client.get(url).content.decode()
    response = client.post(url, {"reviewer": applicant.pk})
    assert response.status_code == 400
    assert "only staff accounts can review" in response.content.decode()
    assert not program.reviewer_assignments.exists()


def test_application_of_another_programme_cannot_be_chosen(client):
    program = ProgramFactory()
    client.force_login(staff_of(program))
    response = client.post(
        reverse("scoring:reviewers", args=[program.pk]),
        {"reviewer": DepartmentStaffFactory().pk, "application": ApplicationFactory().pk},
    )
    assert response.status_code == 400
    assert not program.reviewer_assignments.exists()


def test_removing_an_assignment_on_the_page_keeps_scores_and_says_so(client, english):
    assignment = ReviewerAssignmentFactory()
    application = ApplicationFactory(program=assignment.program)
    services.submit_reviewer_score(reviewer=assignment.reviewer, application=application, stage=stage(application.program), score=70)  # fmt: skip
    client.force_login(staff_of(assignment.program))
    response = client.post(reverse("scoring:remove_reviewer", args=[assignment.program.pk, assignment.pk]), follow=True)
    assert "submitted is kept and still counts" in response.content.decode()
    assert not assignment.program.reviewer_assignments.exists()
    assert ReviewerScore.objects.filter(reviewer=assignment.reviewer).count() == 1


def test_assignment_of_another_programme_cannot_be_removed_through_mine(client):
    mine, theirs = ProgramFactory(), ReviewerAssignmentFactory()
    client.force_login(staff_of(mine))
    response = client.post(reverse("scoring:remove_reviewer", args=[mine.pk, theirs.pk]))
    assert response.status_code == 404
    assert theirs.program.reviewer_assignments.count() == 1


def test_reviewers_page_query_count_does_not_grow(client):
    office = OfficeFactory()
    client.force_login(office)
    small, big = ProgramFactory(), ProgramFactory()
    ReviewerAssignmentFactory(program=small)
    for _ in range(8):
        application = ApplicationFactory(program=big)
        assignment = ReviewerAssignmentFactory(program=big, application=application)
        services.submit_reviewer_score(reviewer=assignment.reviewer, application=application, stage=stage(big), score=70)  # fmt: skip
    ReviewerAssignmentFactory(program=big)
    client.get(reverse("scoring:reviewers", args=[small.pk]))  # the user is kept from now on (accounts.signed_in)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("scoring:reviewers", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("scoring:reviewers", args=[big.pk]))
    assert len(many) == len(few)


# --- appeal attachments ------------------------------------------------------------------------------


def appeal_with_attachment():
    from gradadmit.testing.files import pdf_bytes, upload

    program, apps, office = scored_program()
    publish(program, office)
    appeal = services.submit_appeal(applicant=apps[0].applicant, application=apps[0], facts="Interview ran short",
                                    attachment=upload("evidence.pdf", pdf_bytes()))  # fmt: skip
    return appeal, apps


@pytest.mark.parametrize("content", ["not a pdf", "encrypted", "oversize"])
def test_refused_appeal_attachment_keeps_the_text_and_says_why(client, english, content):
    from gradadmit.testing.files import pdf_bytes, pdf_of_size, upload

    body = {
        "not a pdf": b"MZ\x90\x00 not a pdf",
        "encrypted": pdf_bytes(encrypt=True),
        "oversize": pdf_of_size(10 * 1024 * 1024 + 10),
    }[content]
    program, apps, office = scored_program()
    publish(program, office)
    client.force_login(apps[0].applicant)
    response = client.post(
        reverse("scoring:result", args=[apps[0].pk]),
        {"action": "appeal", "facts": "The interview ran 5 minutes short", "remedy": "A new interview",
         "attachment": upload("evidence.pdf", body)},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "The interview ran 5 minutes short" in page and "A new interview" in page
    assert response.context["appeal_form"].errors["attachment"]
    assert 'role="alert"' in page
    assert not apps[0].appeals.exists()


def test_appeal_with_a_pdf_attachment_is_sent(client):
    from gradadmit.testing.files import pdf_bytes, upload

    program, apps, office = scored_program()
    publish(program, office)
    client.force_login(apps[0].applicant)
    response = client.post(
        reverse("scoring:result", args=[apps[0].pk]),
        {"action": "appeal", "facts": "Interview ran short", "attachment": upload("evidence.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    assert apps[0].appeals.get().attachment


def test_appeal_without_csrf_token_refused(client):
    program, apps, office = scored_program()
    publish(program, office)
    from django.test import Client

    checking = Client(enforce_csrf_checks=True)
    checking.force_login(apps[0].applicant)
    response = checking.post(reverse("scoring:result", args=[apps[0].pk]), {"action": "appeal", "facts": "x"})
    assert response.status_code == 403
    assert not apps[0].appeals.exists()


def test_appeal_attachment_served_to_the_applicant_who_filed_it(client):
    appeal, apps = appeal_with_attachment()
    client.force_login(apps[0].applicant)
    url = reverse("scoring:appeal_attachment", args=[appeal.pk])
    assert url in client.get(reverse("scoring:result", args=[apps[0].pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_appeal_attachment_is_404_for_another_applicant(client):
    appeal, apps = appeal_with_attachment()
    client.force_login(apps[1].applicant)
    assert client.get(reverse("scoring:appeal_attachment", args=[appeal.pk])).status_code == 404
    assert client.get(reverse("scoring:staff_appeal_attachment", args=[appeal.pk])).status_code == 403


def test_appeal_attachment_served_to_staff_of_the_programme_only(client):
    appeal, apps = appeal_with_attachment()
    program = apps[0].program
    client.force_login(staff_of(program))
    url = reverse("scoring:staff_appeal_attachment", args=[appeal.pk])
    assert url in client.get(reverse("scoring:regrades", args=[program.pk])).content.decode()
    assert client.get(url).status_code == 200
    client.force_login(staff_of(ProgramFactory()))
    assert client.get(url).status_code == 404


def test_appeal_without_attachment_has_no_file_to_serve(client):
    program, apps, office = scored_program()
    publish(program, office)
    appeal = services.submit_appeal(applicant=apps[0].applicant, application=apps[0], facts="x")
    client.force_login(apps[0].applicant)
    assert client.get(reverse("scoring:appeal_attachment", args=[appeal.pk])).status_code == 404
    client.force_login(office)
    assert client.get(reverse("scoring:staff_appeal_attachment", args=[appeal.pk])).status_code == 404


def test_appeals_page_query_count_does_not_grow_with_attachments(client):
    from gradadmit.testing.files import pdf_bytes, upload

    office = OfficeFactory()
    client.force_login(office)
    counts = []
    for n in (1, 4):
        program, apps, ranker = scored_program(n=n)
        publish(program, ranker)
        for application in apps:
            services.submit_appeal(applicant=application.applicant, application=application, facts="x",
                                   attachment=upload("e.pdf", pdf_bytes()))  # fmt: skip
        client.get(reverse("scoring:regrades", args=[program.pk]))  # the user is kept (accounts.signed_in)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("scoring:regrades", args=[program.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_run_detail_shows_identity_labels_not_keys(client):
    program, _apps, office = scored_program()
    run = services.run_ranking(actor=office, program=program)
    client.force_login(office)
    page = client.get(reverse("scoring:run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "General (一般生)" in page
    assert "In-service (在職生)" in page
    assert ">general<" not in page
    assert ">in_service<" not in page
