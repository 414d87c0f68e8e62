"""URLs of recommendations: the applicant's (/me/), the recommender's token link, the office's."""

from django.urls import path

from gradadmit.recommendations.views import applicant, office, recommender

app_name = "recommendations"
urlpatterns = [
    path("me/applications/<int:pk>/recommenders/", applicant.recommenders, name="list"),
    path("me/applications/<int:pk>/recommenders/<int:rid>/edit/", applicant.edit, name="edit"),
    path("me/applications/<int:pk>/recommenders/<int:rid>/delete/", applicant.delete, name="delete"),
    path("me/applications/<int:pk>/recommenders/<int:rid>/resend/", applicant.resend, name="resend"),
    path("recommend/<str:token>/", recommender.page, name="token"),
    path("recommend/<str:token>/details/", recommender.details, name="details"),
    path("recommend/<str:token>/accept/", recommender.accept, name="accept"),
    path("recommend/<str:token>/decline/", recommender.decline, name="decline"),
    path("recommend/<str:token>/draft/", recommender.draft, name="draft"),
    path("recommend/<str:token>/form/", recommender.letter_form, name="form"),
    path("recommend/<str:token>/upload/", recommender.upload, name="upload"),
    path("office/programs/<int:pk>/recommendations/", office.program_recommendations, name="office_program"),
    path(
        "office/programs/<int:pk>/recommendations.xlsx",
        office.program_recommendations_xlsx,
        name="office_program_xlsx",
    ),
    path("office/recommendations/<int:pk>/letter/", office.letter, name="office_letter"),
]
