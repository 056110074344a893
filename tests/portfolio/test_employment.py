"""Employment history: the coder's posts, and the years of coding experience."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from portfolio.models import Employment
from tests import pages
from tests.factories import make_employment
from tests.pages import errors_of
from tests.portfolio.forms_data import date_parts

LIST_URL = reverse("portfolio:employment_list")
ADD_URL = reverse("portfolio:employment_add")
# The views take today from the clock; freeze it so that years are exact.
TODAY = datetime.date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("frozen_today")


def edit_url(post: Employment) -> str:
    return reverse("portfolio:employment_edit", args=[post.pk])


def delete_url(post: Employment) -> str:
    return reverse("portfolio:employment_delete", args=[post.pk])


def post_data(**changes) -> dict:
    """A valid submission of the post form, as a browser sends it."""
    data = {
        "employer": "Leeds Teaching Hospitals NHS Trust",
        "role": "Senior Clinical Coder",
        "band": "Band 5",
        **date_parts("start_date", datetime.date(2021, 4, 1)),
        **date_parts("end_date", datetime.date(2024, 3, 31)),
        "is_coding_role": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def experience(response) -> str:
    match = re.search(r'id="experience-years">([^<]*)<', pages.html(response))
    assert match, "The page shows no years of experience."
    return match.group(1)


# --- The list ---------------------------------------------------------------------


def test_the_list_shows_posts_and_years_of_experience(signed_in, alice):
    make_employment(
        alice,
        employer="Hull University Teaching Hospitals NHS Trust",
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    make_employment(
        alice,
        employer="York and Scarborough Teaching Hospitals NHS Foundation Trust",
        role="Clinical Coder",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )

    response = signed_in.get(LIST_URL)

    assert response.status_code == 200
    html = unescape(pages.html(response))
    assert "Trainee Clinical Coder, Band 3" in html
    assert "Hull University Teaching Hospitals NHS Trust" in html
    assert "York and Scarborough Teaching Hospitals NHS Foundation Trust" in html
    assert "Jan 2020 to Dec 2022" in html
    # Overlapping posts counted once: 2020-01-01..2023-12-31, 1461 days, 4.0 years.
    assert experience(response) == "4.0"


def test_the_list_shows_the_latest_post_first_and_a_current_post_to_now(
    signed_in, alice
):
    make_employment(
        alice,
        role="First post",
        start_date=datetime.date(2018, 5, 1),
        end_date=datetime.date(2019, 4, 30),
    )
    make_employment(alice, role="Current post", start_date=datetime.date(2024, 11, 25))

    response = signed_in.get(LIST_URL)

    html = pages.html(response)
    assert html.index("Current post") < html.index("First post")
    assert "Nov 2024 to now" in html
    # 365 days of the first post; 2024-11-25..2026-11-25 is 731 days; 1096 days.
    assert experience(response) == "3.0"


def test_the_list_marks_non_coding_posts_and_leaves_them_out_of_the_years(
    signed_in, alice
):
    make_employment(
        alice,
        role="Ward clerk",
        is_coding_role=False,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    make_employment(
        alice,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
    )

    response = signed_in.get(LIST_URL)

    assert "Not a coding post" in pages.html(response)
    assert experience(response) == "1.0"  # 366 days of 2020.


def test_an_empty_history_says_so(signed_in):
    response = signed_in.get(LIST_URL)

    assert "No posts recorded yet." in pages.html(response)
    assert experience(response) == "0.0"


def test_the_list_shows_only_the_owners_posts(signed_in, alice, bob):
    make_employment(alice, employer="Alice Trust", start_date=datetime.date(2025, 1, 1))
    make_employment(bob, employer="Bob Trust", start_date=datetime.date(2000, 1, 1))

    response = signed_in.get(LIST_URL)

    html = pages.html(response)
    assert "Alice Trust" in html
    assert "Bob Trust" not in html
    # 2025-01-01..2026-11-25 is 694 days: 1.9 years, none of Bob's 26.
    assert experience(response) == "1.9"


# --- Adding, changing and removing ------------------------------------------------


def test_an_owner_adds_a_post(signed_in, alice):
    form = signed_in.get(ADD_URL)
    assert form.status_code == 200
    assert 'name="start_date_day"' in form.content.decode()

    response = signed_in.post(ADD_URL, post_data())

    assert response.status_code == 302, errors_of(response)
    assert response.url == LIST_URL
    post = Employment.objects.get()
    assert post.owner == alice
    assert post.employer == "Leeds Teaching Hospitals NHS Trust"
    assert post.role == "Senior Clinical Coder"
    assert post.band == "Band 5"
    assert post.start_date == datetime.date(2021, 4, 1)
    assert post.end_date == datetime.date(2024, 3, 31)
    assert post.is_coding_role is True
    page = signed_in.get(LIST_URL)
    assert "Your employment history has been saved." in page.content.decode()
    # 2021-04-01..2024-03-31 is 1096 days: 3.0 years.
    assert experience(page) == "3.0"


def test_an_owner_says_what_kind_of_organisation_a_post_was_in(signed_in, alice):
    form = pages.html(signed_in.get(ADD_URL))
    assert 'name="organisation_type"' in form
    assert '<option value="acute">Acute NHS trust</option>' in form

    response = signed_in.post(ADD_URL, post_data(organisation_type="acute"))

    assert response.status_code == 302, errors_of(response)
    assert Employment.objects.get().organisation_type == "acute"


def test_the_type_of_organisation_may_be_left_out(signed_in, alice):
    response = signed_in.post(ADD_URL, post_data())

    assert response.status_code == 302, errors_of(response)
    assert Employment.objects.get().organisation_type == ""


def test_an_unknown_type_of_organisation_is_refused(signed_in, alice):
    response = signed_in.post(ADD_URL, post_data(organisation_type="spaceport"))

    assert "Select a valid choice" in errors_of(response)
    assert not Employment.objects.exists()


def test_an_owner_adds_a_current_post_without_an_end_date(signed_in, alice):
    response = signed_in.post(
        ADD_URL, post_data(**date_parts("end_date", None), band="")
    )

    assert response.status_code == 302, errors_of(response)
    post = Employment.objects.get()
    assert post.end_date is None
    assert post.band == ""


def test_an_unticked_box_adds_a_post_that_is_not_coding(signed_in, alice):
    response = signed_in.post(ADD_URL, post_data(is_coding_role=None))

    assert response.status_code == 302, errors_of(response)
    assert Employment.objects.get().is_coding_role is False
    assert experience(signed_in.get(LIST_URL)) == "0.0"


def test_an_owner_edits_a_post(signed_in, alice):
    post = make_employment(alice, employer="Old Trust", role="Clinical Coder")

    form = signed_in.get(edit_url(post))
    assert form.status_code == 200
    assert 'value="Old Trust"' in form.content.decode()

    response = signed_in.post(edit_url(post), post_data(employer="New Trust"))

    assert response.status_code == 302, errors_of(response)
    assert response.url == LIST_URL
    post.refresh_from_db()
    assert post.employer == "New Trust"
    assert post.role == "Senior Clinical Coder"
    assert post.end_date == datetime.date(2024, 3, 31)
    assert Employment.objects.count() == 1


def test_an_owner_deletes_a_post_after_confirming(signed_in, alice):
    post = make_employment(alice, employer="Old Trust", role="Clinical Coder")

    confirm = signed_in.get(delete_url(post))

    assert confirm.status_code == 200
    assert (
        "Remove “Clinical Coder, Old Trust” from your employment history?"
        in confirm.content.decode()
    )
    assert Employment.objects.filter(pk=post.pk).exists()

    response = signed_in.post(delete_url(post))

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert not Employment.objects.filter(pk=post.pk).exists()
    page = signed_in.get(LIST_URL).content.decode()
    assert "“Clinical Coder, Old Trust” has been removed." in page


# --- Bad input ----------------------------------------------------------------------


def test_the_end_must_not_be_before_the_start(signed_in):
    response = signed_in.post(
        ADD_URL,
        post_data(
            **date_parts("start_date", datetime.date(2022, 6, 1)),
            **date_parts("end_date", datetime.date(2022, 5, 31)),
        ),
    )

    assert response.status_code == 200
    assert "The end date must not be before the start date." in errors_of(response)
    assert not Employment.objects.exists()


def test_a_post_may_start_and_end_on_the_same_day(signed_in):
    day = datetime.date(2022, 6, 1)
    response = signed_in.post(
        ADD_URL,
        post_data(**date_parts("start_date", day), **date_parts("end_date", day)),
    )

    assert response.status_code == 302, errors_of(response)
    assert Employment.objects.get().end_date == day


def test_the_start_must_not_be_in_the_future(signed_in):
    response = signed_in.post(
        ADD_URL,
        post_data(
            **date_parts("start_date", TODAY + datetime.timedelta(days=1)),
            **date_parts("end_date", None),
        ),
    )

    assert response.status_code == 200
    assert "The start date must not be in the future." in errors_of(response)
    assert not Employment.objects.exists()


def test_a_post_may_start_today(signed_in):
    response = signed_in.post(
        ADD_URL,
        post_data(**date_parts("start_date", TODAY), **date_parts("end_date", None)),
    )

    assert response.status_code == 302, errors_of(response)
    assert Employment.objects.get().start_date == TODAY


@pytest.mark.parametrize("field", ["employer", "role"])
def test_employer_and_role_are_required(signed_in, field):
    response = signed_in.post(ADD_URL, post_data(**{field: ""}))

    assert response.status_code == 200
    assert f"Enter the {field}." in errors_of(response)
    assert not Employment.objects.exists()


def test_a_start_date_is_required(signed_in):
    response = signed_in.post(ADD_URL, post_data(**date_parts("start_date", None)))

    assert response.status_code == 200
    assert "Enter the start date." in errors_of(response)
    assert not Employment.objects.exists()


def test_a_date_that_does_not_exist_is_refused(signed_in):
    response = signed_in.post(
        ADD_URL,
        post_data(start_date_day="31", start_date_month="2", start_date_year="2021"),
    )

    assert response.status_code == 200
    assert "Enter a valid date." in errors_of(response)
    assert not Employment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "Coder, tel 07700 900123", "This looks like a phone number"),
        ("employer", "Trust, contact j.smith@nhs.net", "This looks like an email"),
        ("band", "LS1 3EX", "This looks like a postcode"),
    ],
)
def test_it_refuses_patient_identifiable_data(signed_in, field, value, message):
    response = signed_in.post(ADD_URL, post_data(**{field: value}))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Employment.objects.exists()


def test_bad_input_on_edit_changes_nothing(signed_in, alice):
    post = make_employment(alice, role="Clinical Coder")

    response = signed_in.post(edit_url(post), post_data(role="Coder, tel 07700 900123"))

    assert response.status_code == 200
    assert "This looks like a phone number" in errors_of(response)
    post.refresh_from_db()
    assert post.role == "Clinical Coder"


# --- Who may do what ----------------------------------------------------------------


def test_it_checks_ownership(client, alice, bob):
    post = make_employment(alice, employer="Alice Trust", role="Clinical Coder")
    client.force_login(bob)

    assert client.get(edit_url(post)).status_code == 404
    assert client.get(delete_url(post)).status_code == 404
    assert client.post(edit_url(post), post_data(employer="Bob")).status_code == 404
    assert client.post(delete_url(post)).status_code == 404

    post.refresh_from_db()
    assert post.employer == "Alice Trust"
    assert post.owner == alice
    assert Employment.objects.count() == 1


@pytest.mark.parametrize("pk", [0, 99999])
def test_changing_a_post_that_does_not_exist_is_not_found(signed_in, pk):
    """An edit address never quietly becomes "add a post"."""
    url = reverse("portfolio:employment_edit", args=[pk])

    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, post_data()).status_code == 404
    assert not Employment.objects.exists()


def test_it_requires_login(client, alice):
    post = make_employment(alice)
    for url in [LIST_URL, ADD_URL, edit_url(post), delete_url(post)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login"))
    response = client.post(delete_url(post))
    assert response.status_code == 302
    assert Employment.objects.filter(pk=post.pk).exists()


def test_recruiters_have_no_employment_pages(client, alice, rachel):
    post = make_employment(alice)
    client.force_login(rachel)

    for url in [LIST_URL, ADD_URL, edit_url(post), delete_url(post)]:
        assert client.get(url).status_code == 404, url
    assert client.post(ADD_URL, post_data()).status_code == 404
    assert client.post(delete_url(post)).status_code == 404
    assert list(Employment.objects.all()) == [post]
