from django.urls import path

from gradadmit.cycles.views import public

app_name = "cycles"
urlpatterns = [
    path("", public.home, name="home"),
    path("cycles/<slug:code>/", public.cycle_detail, name="cycle"),
    path("cycles/<slug:code>/programs/<str:program_code>/", public.program_detail, name="program"),
    path("cycles/<slug:code>/forms/<slug:form_code>/", public.form_download, name="form"),
]
