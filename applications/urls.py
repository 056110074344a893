from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.recruiter_home, name="recruiter_home"),
]
