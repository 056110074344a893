from django.urls import path

from specifications import views

app_name = "specs"

urlpatterns = [
    path("", views.spec_list, name="list"),
    path("new/", views.spec_create, name="create"),
    path("import/", views.spec_import, name="import"),
    path("map/<int:pk>/", views.map_evidence, name="map_evidence"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("<slug:slug>/", views.spec_matrix, name="matrix"),
    path("<slug:slug>/manage/", views.spec_detail, name="detail"),
    path("<slug:slug>/edit/", views.spec_edit, name="edit"),
    path("<slug:slug>/copy/", views.spec_copy, name="copy"),
    path("<slug:slug>/export/", views.spec_export, name="export"),
    path(
        "<slug:slug>/criteria/<int:pk>/add-evidence/",
        views.add_evidence_to_criterion,
        name="add_evidence",
    ),
]
