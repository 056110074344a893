"""The project's URLs plus `bench/bare/`: the baseline every time is compared with.

The bare view goes through the same middleware (session, authentication, CSRF, CSP,
messages) and the same context processors as the app's pages, and renders a tiny
template for a signed-in user: what any authenticated page costs at the least.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

BARE_TEMPLATE = Template(
    '<!doctype html><html lang="en"><head><title>Bare</title></head>'
    "<body><p>Signed in as {{ user.full_name }}.</p>"
    "<ul>{% for item in nav_items %}<li>{{ item.text }}</li>{% endfor %}</ul>"
    "</body></html>"
)


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_TEMPLATE.render(RequestContext(request)))


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
