"""/api/v1/: the API (gradadmit.api.main), its OpenAPI schema (openapi.json) and the documentation page."""

from django.urls import path

from gradadmit.api import main
from gradadmit.api.views.docs import docs_page

app_name = "api"
urlpatterns = [path("docs/", docs_page, name="docs"), *main.urlpatterns()]
