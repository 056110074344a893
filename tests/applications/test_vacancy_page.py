"""A vacancy shows what its listing shows, and its person specification, before a
coder applies; recruiters give it the listing's salary and hours."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from applications.models import Application, Vacancy
from tests import pages
from tests.factories import make_vacancy

SALARY = "£28,392 - £39,043 Dependent on experience/qualifications (ACC/Non-ACC)"


@pytest.fixture
def vacancy(trust_a):
    return make_vacancy(
        trust_a,
        title="Senior Clinical Coder/Clinical Coder (ACC/Non-ACC)",
        band="Band 4",
        salary=SALARY,
        hours="37.5 hours per week",
        reference="198-HIMS-8079977",
        closing_date=datetime.date(2099, 7, 9),
    )


def url(vacancy: Vacancy) -> str:
    return reverse("applications:vacancy", args=[vacancy.pk])


def test_it_shows_the_listings_details(client, alice, vacancy):
    client.force_login(alice)

    response = client.get(url(vacancy))

    text = pages.text(response)
    for shown in [
        "Employer Trust A NHS Foundation Trust",
        "Band Band 4",
        f"Salary {SALARY}",
        "Hours 37.5 hours per week",
        "Closing date 9 July 2099",
        "Reference 198-HIMS-8079977",
    ]:
        assert shown in text
    assertContains(response, "<h1>Senior Clinical Coder/Clinical Coder (ACC/Non-ACC)")


def test_it_shows_the_person_specification_by_category_with_each_route(
    client, alice, vacancy
):
    client.force_login(alice)

    response = client.get(url(vacancy))

    text = pages.text(response)
    assert text.index("Skills Criterion") < text.index("Knowledge Criterion")
    assert text.index("Experience Criterion") < text.index("Qualifications Criterion")
    assert (
        "CCQ Clinical Coding Qualification (ACC status) Essential ACC route only"
        in text
    )
    assert "Breadth of specialty experience Essential Portfolio route only" in text
    assert (
        "Understanding of Clinical Documentation Improvement (CDI) principles "
        "Desirable Every applicant"
    ) in text
    assertContains(response, "You can apply by one of two routes")


def test_a_coder_applies_from_it(client, alice, vacancy):
    client.force_login(alice)

    response = client.get(url(vacancy))

    apply_url = reverse("applications:apply", args=[vacancy.pk])
    assertContains(response, f'action="{apply_url}"')
    assertContains(response, "Apply<span")
    html = pages.html(response)
    # The button comes after the person specification, which is read first.
    assert html.index('id="specification"') < html.index(apply_url)


def test_a_coder_who_has_applied_is_sent_to_their_application(client, alice, vacancy):
    application = Application.objects.create(vacancy=vacancy, applicant=alice)
    client.force_login(alice)

    response = client.get(url(vacancy))

    assertContains(response, "You have applied for this vacancy.")
    assertContains(response, reverse("applications:draft", args=[application.pk]))
    assertNotContains(response, reverse("applications:apply", args=[vacancy.pk]))


def test_a_closed_vacancy_can_be_read_but_not_applied_to(client, alice, trust_a):
    closed = make_vacancy(trust_a, closing_date=datetime.date(2020, 1, 1))
    client.force_login(alice)

    response = client.get(url(closed))

    assertContains(response, "This vacancy closed on 1 January 2020.")
    assertNotContains(response, reverse("applications:apply", args=[closed.pk]))


def test_a_recruiter_of_its_organisation_sees_what_coders_see_without_applying(
    client, rachel, vacancy
):
    client.force_login(rachel)

    response = client.get(url(vacancy))

    assertContains(response, "This is the page coders read before they apply.")
    assertContains(response, "Breadth of specialty experience")
    assertNotContains(response, reverse("applications:apply", args=[vacancy.pk]))


def test_it_checks_ownership(client, oscar, vacancy):
    client.force_login(oscar)

    assert client.get(url(vacancy)).status_code == 404


def test_it_requires_login(client, vacancy):
    response = client.get(url(vacancy))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_handles_bad_input(client, alice, vacancy):
    client.force_login(alice)

    assert client.get(f"/applications/vacancies/{vacancy.pk + 1000}/").status_code == (
        404
    )
    assert client.get("/applications/vacancies/nine/").status_code == 404


def test_its_queries_do_not_grow_with_the_specification(
    client, alice, vacancy, django_assert_num_queries
):
    client.force_login(alice)
    # 1. the session  2. the user  3. the vacancy, its organisation and spec
    # 4. the spec's criteria  5. the coder's application to it, if any
    with django_assert_num_queries(5):
        response = client.get(url(vacancy))
    assert response.status_code == 200


def test_the_coders_home_links_each_open_vacancy_to_its_page(client, alice, vacancy):
    client.force_login(alice)

    response = client.get(reverse("applications:coder_home"))

    assertContains(response, f'href="{url(vacancy)}"')
    assertContains(response, SALARY)
    assertContains(response, "37.5 hours per week")
    # Applying is on the vacancy's page, after its details.
    assertNotContains(response, reverse("applications:apply", args=[vacancy.pk]))


def test_a_recruiter_gives_a_vacancy_its_salary_and_hours(client, rachel, trust_a_spec):
    client.force_login(rachel)

    response = client.post(
        reverse("applications:vacancy_create"),
        {
            "title": "Clinical Coder",
            "band": "Band 4",
            "salary": SALARY,
            "hours": "37.5 hours per week",
            "reference": "RAA-1",
            "closing_date_day": "9",
            "closing_date_month": "7",
            "closing_date_year": "2099",
            "specification": trust_a_spec.pk,
        },
    )

    assert response.status_code == 302
    vacancy = Vacancy.objects.get(reference="RAA-1")
    assert (vacancy.salary, vacancy.hours) == (SALARY, "37.5 hours per week")


def test_the_vacancy_form_refuses_identifiers_in_the_salary(
    client, rachel, trust_a_spec
):
    client.force_login(rachel)

    response = client.get(reverse("applications:vacancy_create"))
    assertContains(response, 'name="salary"')
    assertContains(response, 'name="hours"')

    response = client.post(
        reverse("applications:vacancy_create"),
        {"salary": "Ask 943 476 5919", "title": "Coder", "reference": "R"},
    )
    assert "This looks like an NHS number" in pages.errors_of(response)
