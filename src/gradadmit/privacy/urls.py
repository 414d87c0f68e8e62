from django.urls import path

from gradadmit.privacy.views import applicant, office

app_name = "privacy"
urlpatterns = [
    path("me/data/", applicant.my_data, name="my_data"),
    path("me/data/export/", applicant.request_export, name="request_export"),
    path("me/data/exports/<int:pk>/download/", applicant.download_export, name="download_export"),
    path("me/data/delete/", applicant.delete_account, name="delete_account"),
    path("office/privacy/", office.cycle_list, name="office_cycles"),
    path("office/privacy/cycles/<int:pk>/", office.cycle_anonymisation, name="office_cycle"),
    path("office/privacy/cycles/<int:pk>/run/", office.run_anonymisation, name="office_run"),
    path("office/privacy/cycles/<int:pk>/retention/", office.set_retention, name="office_retention"),
]
