from django.urls import path

from gradadmit.scoring.views import applicant, office, public, reviewer

app_name = "scoring"
urlpatterns = [
    path("office/programs/<int:pk>/scores/", office.scores, name="scores"),
    path("office/programs/<int:pk>/scores.xlsx", office.scores_xlsx, name="scores_xlsx"),
    path("office/programs/<int:pk>/scoring/settings/", office.scoring_settings, name="settings"),
    path("office/programs/<int:pk>/scoring/reviewers/", office.reviewers, name="reviewers"),
    path(
        "office/programs/<int:pk>/scoring/reviewers/<int:assignment_id>/remove/",
        office.remove_reviewer,
        name="remove_reviewer",
    ),
    path("office/programs/<int:pk>/scores/stages/<int:stage_id>/submit/", office.submit_stage, name="submit_stage"),
    path("office/programs/<int:pk>/scores/stages/<int:stage_id>/reopen/", office.reopen_stage, name="reopen_stage"),
    path("office/programs/<int:pk>/scores/invitations/", office.invitations, name="invitations"),
    path("office/programs/<int:pk>/scores/import/", office.import_scores, name="import_scores"),
    path("office/programs/<int:pk>/regrades/", office.regrades, name="regrades"),
    path("office/appeals/<int:pk>/answer/", office.answer_appeal, name="answer_appeal"),
    path("office/appeals/<int:pk>/attachment/", office.appeal_attachment, name="staff_appeal_attachment"),
    path("office/programs/<int:pk>/ranking/", office.runs, name="runs"),
    path("office/ranking-runs/<int:pk>/", office.run_detail, name="run_detail"),
    path("office/ranking-runs/<int:pk>/results.xlsx", office.run_xlsx, name="run_xlsx"),
    path("office/ranking-runs/<int:pk>/publish/", office.publish, name="publish"),
    path("office/ranking-runs/<int:pk>/publish-at/", office.schedule_publication, name="schedule_publication"),
    path("office/ranking-runs/<int:pk>/publish-at/cancel/", office.cancel_publication, name="cancel_publication"),
    path("office/ranking-runs/<int:pk>/committee/", office.committee_order, name="committee_order"),
    path("review/", reviewer.programs, name="review_programs"),
    path("review/programs/<int:pk>/", reviewer.applications, name="review_applications"),
    path(
        "review/programs/<int:pk>/applications/<int:application_id>/stages/<int:stage_id>/",
        reviewer.score,
        name="review_score",
    ),
    path("me/applications/<int:pk>/result/", applicant.result, name="result"),
    path("me/appeals/<int:pk>/attachment/", applicant.appeal_attachment, name="appeal_attachment"),
    path("results/programs/<int:pk>/", public.result_list, name="public_results"),
]
