"""URLs of eligibility: the applicant's result, the staff queue and decisions."""

from django.urls import path

from gradadmit.eligibility.views import applicant, exports, office

app_name = "eligibility"
urlpatterns = [
    path("me/applications/<int:pk>/review/", applicant.result, name="result"),
    path("office/programs/<int:pk>/review/", office.review_queue, name="queue"),
    path("office/programs/<int:pk>/review/bulk/", office.bulk_decide, name="bulk"),
    path("office/programs/<int:pk>/review/decisions.xlsx", exports.decisions_xlsx, name="decisions_xlsx"),
    path("office/applications/<int:pk>/review/", office.review_application, name="review"),
]
