from django.urls import path

from gradadmit.documents.views import applicant, forms, office

app_name = "documents"
urlpatterns = [
    path("me/applications/<int:pk>/documents/", applicant.items, name="items"),
    path("me/applications/<int:pk>/documents/<int:requirement_id>/", applicant.upload, name="upload"),
    path("me/applications/<int:pk>/documents/<int:requirement_id>/form/", forms.fill, name="form"),
    path("me/applications/<int:pk>/documents/<int:requirement_id>/form/draft/", forms.save_draft, name="form_draft"),
    path("me/documents/<int:pk>/", applicant.own_file, name="own_file"),
    path("office/documents/<int:pk>/", office.staff_file, name="staff_file"),
    path("office/documents/<int:pk>/check/", office.record_check, name="record_check"),
    path("office/programs/<int:pk>/initial-checks/", office.initial_checks, name="initial_checks"),
    path("office/applications/<int:pk>/documents/", office.application_documents, name="application_documents"),
    path("office/applications/<int:pk>/packet.pdf", office.application_packet, name="application_packet"),
    path("office/programs/<int:pk>/packets/", office.program_packets, name="program_packets"),
    path("office/packets/<int:pk>/download/", office.packet_download, name="packet_download"),
    path("office/packets/<int:pk>/retry/", office.packet_retry, name="packet_retry"),
]
