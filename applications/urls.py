from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.coder_home, name="coder_home"),
    path("applications/vacancies/<int:pk>/", views.vacancy_detail, name="vacancy"),
    path("applications/vacancies/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.draft, name="draft"),
    path("applications/<int:pk>/submit/", views.submit_view, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/packs/", views.packs, name="packs"),
    path("applications/packs/<int:pk>/", views.pack_download, name="pack_download"),
    path("recruitment/", views.recruiter_home, name="recruiter_home"),
    path("recruitment/vacancies/new/", views.vacancy_form, name="vacancy_create"),
    path(
        "recruitment/vacancies/<int:pk>/edit/", views.vacancy_form, name="vacancy_edit"
    ),
]
