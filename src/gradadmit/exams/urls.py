"""URLs of exams."""

app_name = "exams"
urlpatterns = []
