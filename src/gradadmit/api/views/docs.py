"""The API's documentation page: Swagger UI from our static files (api/static/api/vendor/), no CDN, no inline code."""

from django.shortcuts import render
from django.urls import reverse


def docs_page(request):
    return render(request, "api/docs.html", {"schema_url": reverse("api:openapi-json")})
