"""URLs of exams: tickets, the interview list, exam administration, accommodations."""

from django.urls import path

from gradadmit.exams.views import applicant, office, postponement, public

app_name = "exams"
urlpatterns = [
    path("me/applications/<int:pk>/ticket.pdf", applicant.ticket_pdf, name="ticket_pdf"),
    path("me/applications/<int:pk>/accommodation/", applicant.accommodation, name="accommodation"),
    path("programs/<int:pk>/interview-list/", public.interview_list, name="interview_list"),
    path("office/programs/<int:pk>/exam/", office.admin, name="admin"),
    path("office/cycles/<int:pk>/postpone/", postponement.postpone, name="postpone"),
    path("office/postponements/<int:pk>/", postponement.postponement_detail, name="postponement"),
    path("office/programs/<int:pk>/exam/tickets.xlsx", office.tickets_xlsx, name="tickets_xlsx"),
    path("office/programs/<int:pk>/exam/numbers/", office.assign_numbers, name="assign_numbers"),
    path("office/programs/<int:pk>/exam/slots/", office.add_slot, name="add_slot"),
    path("office/programs/<int:pk>/exam/slots/assign/", office.assign_slots, name="assign_slots"),
    path("office/programs/<int:pk>/exam/publish/", office.publish, name="publish"),
    path("office/programs/<int:pk>/exam/reopen/", office.reopen, name="reopen"),
    path("office/programs/<int:pk>/exam/tickets/", office.request_batch, name="request_batch"),
    path("office/programs/<int:pk>/exam/accommodations/", office.accommodations, name="accommodations"),
    path("office/tickets/<int:pk>/ticket.pdf", office.staff_ticket_pdf, name="staff_ticket_pdf"),
    path("office/ticket-batches/<int:pk>/download/", office.batch_download, name="batch_download"),
    path("office/programs/<int:pk>/exam/tickets/builds/", office.batches, name="batches"),
    path("office/ticket-batches/<int:pk>/retry/", office.batch_retry, name="batch_retry"),
    path("office/accommodations/<int:pk>/decide/", office.decide_accommodation, name="decide_accommodation"),
    path("office/accommodations/<int:pk>/proof/", office.accommodation_proof, name="accommodation_proof"),
]
