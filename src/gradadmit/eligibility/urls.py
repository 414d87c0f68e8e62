"""URLs of eligibility."""

app_name = "eligibility"
urlpatterns = []
