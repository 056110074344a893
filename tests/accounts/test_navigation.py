import re

from django.urls import reverse


def nav_links(html: str) -> list[str]:
    menu = re.search(r'<nav class="nhsuk-header__navigation".*?</nav>', html, re.S)
    if not menu:
        return []
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(
            r'class="nhsuk-header__navigation-link"[^>]*>(.*?)</a>', menu[0], re.S
        )
    ]


def test_a_visitor_sees_sign_in_and_no_menu(client, db):
    html = client.get(reverse("home")).content.decode()
    assert nav_links(html) == []
    assert 'href="/account/sign-in/"' in html
    assert 'href="/account/sign-up/"' in html


def test_a_coder_sees_the_portfolio_menu_and_not_recruitment(client, alice):
    client.force_login(alice)
    html = client.get(reverse("portfolio:home")).content.decode()
    assert nav_links(html) == [
        "Your portfolio",
        "Applications",
        "Person specifications",
        "Your account",
    ]
    assert "alice@example.nhs.uk" in html
    assert 'aria-current="page"' in html


def test_a_recruiter_sees_recruitment_and_not_the_portfolio(client, rachel):
    client.force_login(rachel)
    html = client.get(reverse("applications:recruiter_home")).content.decode()
    assert nav_links(html) == ["Recruitment", "Person specifications", "Your account"]
    assert "Trust A NHS Foundation Trust" in html


def test_staff_also_see_the_admin(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    html = client.get(reverse("portfolio:home")).content.decode()
    assert nav_links(html) == [
        "Your portfolio",
        "Applications",
        "Person specifications",
        "Your account",
        "Admin",
    ]


def test_a_recruiter_has_no_portfolio(client, rachel):
    client.force_login(rachel)
    assert client.get(reverse("portfolio:home")).status_code == 404


def test_a_coder_has_no_recruitment_pages(client, alice):
    client.force_login(alice)
    assert client.get(reverse("applications:recruiter_home")).status_code == 404


def test_role_pages_require_sign_in(client, db):
    for name in ["portfolio:home", "applications:recruiter_home", "accounts:account"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_page_titles_name_the_page_then_the_service(client, alice):
    assert (
        "<title>Sign in - Coderfolio</title>"
        in client.get(reverse("accounts:login")).content.decode()
    )
    client.force_login(alice)
    assert (
        "<title>Your portfolio - Coderfolio</title>"
        in client.get(reverse("portfolio:home")).content.decode()
    )
