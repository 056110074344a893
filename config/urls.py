from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config.views import AccessibilityView, PrivacyView

urlpatterns = [
    path("", account_views.home, name="home"),
    path("account/", include("accounts.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("specifications/", include("specifications.urls")),
    # The verifier's pages: no account, a signed link (portfolio.verification).
    path("verify/", include("portfolio.verify_urls")),
    # Before applications' URLs: the review's dashboard is the recruiters' home,
    # "/recruitment/", which applications' own recruiter_home also answers.
    path("recruitment/", include("recruitment.urls")),
    path("", include("applications.urls")),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    path("admin/", admin.site.urls),
]
