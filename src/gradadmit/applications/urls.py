from django.urls import path

from gradadmit.applications.views import applicant

app_name = "applications"
urlpatterns = [
    path("", applicant.dashboard, name="dashboard"),
    path("apply/<int:program_id>/", applicant.apply, name="apply"),
    path("applications/<int:pk>/", applicant.application_detail, name="detail"),
    path("applications/<int:pk>/identity/", applicant.change_identity, name="change_identity"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
]
