"""The verifier's pages, outside /portfolio/: they need no account, only the signed
token of one request (portfolio.verification)."""

from django.urls import path

from portfolio import verification_views

app_name = "verify"

urlpatterns = [
    path("done/", verification_views.verify_done, name="done"),
    path("<str:token>/", verification_views.verify_item, name="item"),
    path(
        "<str:token>/files/<int:attachment_id>/",
        verification_views.verify_attachment,
        name="attachment",
    ),
]
