from django.urls import path

from gradadmit.enrolment.views import applicant, office

app_name = "enrolment"
urlpatterns = [
    path("me/applications/<int:pk>/enrolment/", applicant.status, name="status"),
    path("me/applications/<int:pk>/enrolment/check-in/", applicant.check_in, name="check_in"),
    path("me/applications/<int:pk>/enrolment/give-up/", applicant.give_up, name="give_up"),
    path("me/applications/<int:pk>/enrolment/give-up/receipt.pdf", applicant.give_up_receipt, name="receipt"),
    path("me/applications/<int:pk>/enrolment/decline/", applicant.decline, name="decline"),
    path("me/applications/<int:pk>/enrolment/waitlist/", applicant.waitlist_wish, name="waitlist_wish"),
    path("office/programs/<int:pk>/check-in/", office.board, name="board"),
    path("office/programs/<int:pk>/check-in/act/", office.act, name="act"),
    path("office/programs/<int:pk>/check-in/board.xlsx", office.board_xlsx, name="board_xlsx"),
    path("office/programs/<int:pk>/check-in/waitlist/", office.waitlist, name="waitlist"),
    path("office/programs/<int:pk>/check-in/waitlist.xlsx", office.waitlist_xlsx, name="waitlist_xlsx"),
    path("office/programs/<int:pk>/check-in/vacancies.csv", office.vacancies, name="vacancies"),
    path("office/programs/<int:pk>/check-in/vacancies.xlsx", office.vacancies_xlsx, name="vacancies_xlsx"),
    path("office/programs/<int:pk>/check-in/admitted.xlsx", office.admitted_xlsx, name="admitted_xlsx"),
]
