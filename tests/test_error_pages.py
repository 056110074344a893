"""Error pages: each in the NHS.UK style, saying what to do, and with debug off none
shows a traceback, a setting, a path or the exception's message."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from tests.error_urls import SECRET

pytestmark = pytest.mark.urls("tests.error_urls")


@pytest.fixture
def visitor(db) -> Client:
    """A client that gets the error page a browser would, not the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "Sorry, there is a problem with your request"),
        (403, "You cannot do this"),
        (404, "Page not found"),
        (405, "This page cannot do that"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_each_error_has_its_page_and_gives_nothing_away(visitor, status, heading):
    assert not settings.DEBUG
    response = visitor.get(f"/test-errors/{status}/")
    assertContains(response, f"<h1>{heading}</h1>", status_code=status)
    assertContains(response, 'class="nhsuk-header', status_code=status)
    assertContains(response, "Go to the Coderfolio home page", status_code=status)
    for secret in [
        SECRET,
        "Traceback",
        "RuntimeError",
        "SuspiciousOperation",
        settings.SECRET_KEY,
        str(settings.BASE_DIR),
        "settings.py",
        "DEBUG",
    ]:
        assertNotContains(response, secret, status_code=status)


def test_a_405_page_keeps_the_allow_header(visitor):
    response = visitor.get("/test-errors/405/")
    assert response["Allow"] == "POST"
    assert visitor.post("/test-errors/405/").status_code == 200


def test_an_address_that_does_not_exist_gets_the_404_page(visitor):
    response = visitor.get("/no-such-page/")
    assertContains(response, "<h1>Page not found</h1>", status_code=404)


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do(db):
    response = Client(enforce_csrf_checks=True).post("/account/sign-in/", {})
    assertContains(
        response, "<h1>Sorry, your form could not be sent</h1>", status_code=403
    )
    assertNotContains(response, "CSRF", status_code=403)


def test_the_500_page_needs_no_request_and_no_script():
    page = render_to_string("500.html")
    assert "<h1>Sorry, there is a problem with the service</h1>" in page
    assert "<script" not in page
