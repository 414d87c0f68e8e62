from django.urls import path

from gradadmit.office import applicants, jobs, views

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<int:pk>/applications/", views.program_applications, name="program_applications"),
    path("programs/<int:pk>/applications.xlsx", views.program_applications_xlsx, name="program_applications_xlsx"),
    path("cycles/<int:pk>/overview/", views.cycle_overview, name="cycle_overview"),
    path("cycles/<int:pk>/clone/", views.clone_cycle, name="clone_cycle"),
    path("cycles/<int:pk>/import/", views.import_programs, name="import_programs"),
    path("cycles/<int:pk>/extensions/", views.extensions, name="extensions"),
    path("search/", applicants.applicant_search, name="search"),
    path("applicants/<int:pk>/", applicants.applicant_record, name="applicant"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<str:task_id>/retry/", jobs.job_retry, name="job_retry"),
]
