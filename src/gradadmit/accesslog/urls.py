from django.urls import path

from gradadmit.accesslog import views

app_name = "accesslog"
urlpatterns = [
    path("office/applicants/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("office/applicants/<int:pk>/accesses/", views.access_list, name="accesses"),
]
