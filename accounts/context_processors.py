from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict:
    """The header's navigation links, which depend on who is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.is_coder:
        items.append(("Your portfolio", reverse("portfolio:home")))
        items.append(("Applications", reverse("applications:coder_home")))
    if user.is_recruiter:
        items.append(("Recruitment", reverse("recruitment:dashboard")))
    items.append(("Person specifications", reverse("specs:list")))
    items.append(("Your account", reverse("accounts:account")))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index")))
    current = request.path
    return {
        "nav_items": [
            {"text": text, "href": href, "current": current.startswith(href)}
            for text, href in items
        ]
    }
