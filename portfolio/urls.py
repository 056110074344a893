from django.urls import path

from portfolio import portability_views, verification_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("evidence/", views.evidence_list, name="evidence_list"),
    path("evidence/add/", views.evidence_choose_kind, name="evidence_choose_kind"),
    path("evidence/add/<str:kind>/", views.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/attach/", views.attachment_add, name="attachment_add"),
    path(
        "attachments/<int:pk>/", views.attachment_download, name="attachment_download"
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "evidence/<int:pk>/verify/",
        verification_views.verification_new,
        name="verification_new",
    ),
    path(
        "verification-requests/<int:pk>/withdraw/",
        verification_views.verification_withdraw,
        name="verification_withdraw",
    ),
    path("export/", portability_views.export_download, name="export"),
    path("import/", portability_views.import_upload, name="import"),
    path("import/<int:pk>/", portability_views.import_status, name="import_status"),
    path("employment/", views.employment_list, name="employment_list"),
    path("employment/add/", views.employment_form, name="employment_add"),
    path("employment/<int:pk>/edit/", views.employment_form, name="employment_edit"),
    path(
        "employment/<int:pk>/delete/", views.employment_delete, name="employment_delete"
    ),
]
