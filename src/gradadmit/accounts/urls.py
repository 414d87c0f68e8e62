from django.urls import path

from gradadmit.accounts import views

app_name = "accounts"
urlpatterns = [path("profile/", views.profile, name="profile")]
