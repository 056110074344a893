from django.urls import path

from recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("vacancies/<int:pk>/", views.longlist, name="longlist"),
    path("vacancies/<int:pk>/panel/", views.panel, name="panel"),
    path("vacancies/<int:pk>/lead/", views.take_lead, name="take_lead"),
    path("vacancies/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("vacancies/<int:pk>/zip/", views.zip_request, name="zip_request"),
    path("vacancies/<int:pk>/scores.csv", views.scores_csv, name="scores_csv"),
    path("vacancies/<int:pk>/summary.csv", views.summary_csv, name="summary_csv"),
    path("zips/<int:pk>/", views.zip_status, name="zip"),
    path("zips/<int:pk>/download/", views.zip_download, name="zip_download"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("applications/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("applications/<int:pk>/pack/", views.pack, name="pack"),
    path("applications/<int:pk>/log/", views.access_log, name="access_log"),
]
