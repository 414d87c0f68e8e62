from django.urls import path

from gradadmit.practice import views

app_name = "practice"
urlpatterns = [
    path("practice/", views.landing, name="landing"),
    path("practice/<slug:code>/register/", views.register, name="register"),
    path("practice/leave/", views.leave, name="leave"),
    path("me/practice/applications/<int:pk>/", views.application, name="application"),
    path("me/practice/applications/<int:pk>/pay/", views.pay, name="pay"),
    path("me/practice/applications/<int:pk>/ticket-sample.pdf", views.sample_ticket, name="ticket"),
    path("office/practice/", views.office_list, name="office_list"),
    path("office/practice/<int:pk>/close/", views.office_close, name="office_close"),
]
