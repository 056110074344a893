from django.views.generic import TemplateView


class PrivacyView(TemplateView):
    template_name = "privacy.html"


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"
