"""Headers on every response: browser features denied, and nothing a signed-in user
sees is kept by a shared browser or a proxy."""

import pytest
from django.urls import reverse

from tests.factories import make_evidence


def test_every_page_denies_the_browser_features_the_app_does_not_use(client, db):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in policy


@pytest.mark.parametrize(
    "url",
    ["portfolio:home", "portfolio:evidence_list", "accounts:account", "specs:list"],
)
def test_signed_in_pages_are_not_stored(signed_in, url):
    response = signed_in.get(reverse(url))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_an_item_page_is_not_stored(signed_in, alice):
    item = make_evidence(alice, "cpd")
    response = signed_in.get(item.get_absolute_url())
    assert "no-store" in response["Cache-Control"]


def test_a_page_for_anyone_may_be_cached(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
