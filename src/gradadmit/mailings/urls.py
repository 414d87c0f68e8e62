"""URLs of mailings, under /office/mailings/."""

from django.urls import path

from gradadmit.mailings import views

app_name = "mailings"
urlpatterns = [
    path("", views.mailing_list, name="list"),
    path("new/", views.mailing_create, name="create"),
    path("<int:pk>/", views.mailing_detail, name="detail"),
    path("<int:pk>/edit/", views.mailing_edit, name="edit"),
    path("<int:pk>/submit/", views.mailing_submit, name="submit"),
    path("<int:pk>/approve/", views.mailing_approve, name="approve"),
    path("<int:pk>/reject/", views.mailing_reject, name="reject"),
    path("<int:pk>/cancel/", views.mailing_cancel, name="cancel"),
    path("<int:pk>/progress.json", views.mailing_progress, name="progress"),
]
