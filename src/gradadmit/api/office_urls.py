"""/office/api-tokens/: the office's token pages."""

from django.urls import path

from gradadmit.api.views import office

app_name = "api_tokens"
urlpatterns = [
    path("", office.token_list, name="list"),
    path("new/", office.token_create, name="create"),
    path("<int:pk>/revoke/", office.token_revoke, name="revoke"),
]
