"""URLs of fees."""

app_name = "fees"
urlpatterns = []
