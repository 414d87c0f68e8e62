"""URLs of recommendations."""

app_name = "recommendations"
urlpatterns = []
