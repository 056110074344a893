"""The coder's single evidence list: every kind together, filtered, sorted, paged."""

import datetime
import re
from html import unescape
from itertools import cycle

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML

from portfolio.models import Evidence, Specialty
from portfolio.views import PAGE_SIZE
from tests import pages
from tests.factories import make_evidence, specialties
from tests.portfolio.forms_data import date_parts

URL = reverse("portfolio:evidence_list")
KINDS = [kind for kind, _ in Evidence.Kind.choices]


def table(response) -> str:
    """The evidence table only: the filter form's selects name every kind too."""
    html = pages.html(response)
    found = re.search(r'<table[^>]*id="evidence-table".*?</table>', html, re.S)
    return unescape(found.group()) if found else ""


def rows(response) -> list[str]:
    """Each row of the evidence table as plain text."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr[^>]*>.*?</tr>", table(response), re.S)[1:]
    ]


def titles(response) -> list[str]:
    """The titles in the evidence table, in the order shown."""
    return re.findall(r'<a href="/[^"]*">([^<]*)</a>', table(response))


def next_link(response) -> str | None:
    """The href of the "Next" pagination link, unescaped, or None."""
    match = re.search(r'href="([^"]*)" rel="next"', pages.html(response))
    return unescape(match.group(1)) if match else None


def make_items(owner, count: int, start: datetime.date, kind: str = "cpd") -> list:
    """`count` items of `kind`, one a day from `start`, titled "Item 01" onwards."""
    return [
        make_evidence(
            owner,
            kind,
            title=f"Item {n:02d}",
            date=start + datetime.timedelta(days=n),
        )
        for n in range(1, count + 1)
    ]


def make_mixed_items(owner, count: int) -> None:
    """`count` items cycling through every kind, each with at least one specialty."""
    kinds = cycle(KINDS)
    surgery = Specialty.objects.get(code="100")
    medicine = Specialty.objects.get(code="300")
    for n in range(count):
        item = make_evidence(
            owner,
            next(kinds),
            title=f"Mixed {n}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
        item.specialties.add(surgery, medicine)


def test_it_lists_every_kind_together_newest_first(signed_in, alice):
    for month, kind in enumerate(KINDS, start=1):
        make_evidence(
            alice, kind, title=f"My {kind}", date=datetime.date(2026, month, 1)
        )

    response = signed_in.get(URL)

    assert response.status_code == 200
    assert titles(response) == [f"My {kind}" for kind in reversed(KINDS)]
    shown = rows(response)
    for row, label in zip(shown, reversed(Evidence.Kind.labels), strict=True):
        assert f"Kind {label}" in row
    assert "8 items." in pages.html(response)


def test_items_on_the_same_day_show_the_latest_added_first(signed_in, alice):
    day = datetime.date(2026, 5, 5)
    make_evidence(alice, "cpd", title="Added first", date=day)
    make_evidence(alice, "audit", title="Added second", date=day)

    assert titles(signed_in.get(URL)) == ["Added second", "Added first"]


def test_it_shows_an_items_dates(signed_in, alice):
    make_evidence(alice, "cpd", date=datetime.date(2026, 3, 2))
    make_evidence(
        alice,
        "productivity",
        date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )

    assert [row.split(" Title ")[0] for row in rows(signed_in.get(URL))] == [
        "Date 1 Sep 2026 to 30 Sep 2026",
        "Date 2 Mar 2026",
    ]


def test_each_title_links_to_its_item(signed_in, alice):
    item = make_evidence(alice, "cpd", title="Sepsis e-learning")

    response = signed_in.get(URL)

    detail = reverse("portfolio:evidence_detail", args=[item.pk])
    assertContains(response, f'<a href="{detail}">Sepsis e-learning</a>')


def test_it_shows_each_items_specialties(signed_in, alice):
    make_evidence(alice, "audit", title="Audit", specialties=specialties("100", "300"))
    make_evidence(alice, "cpd", title="Course", date=datetime.date(2026, 1, 1))

    response = signed_in.get(URL)

    audit, course = rows(response)
    assert "Specialties General Internal Medicine, General Surgery" in audit
    assert course.endswith("Specialties -")


def test_it_filters_by_kind(signed_in, alice):
    make_evidence(alice, "audit", title="Spring audit", date=datetime.date(2026, 3, 1))
    make_evidence(alice, "audit", title="Autumn audit", date=datetime.date(2026, 9, 1))
    make_evidence(alice, "cpd", title="Refresher course")
    make_evidence(alice, "contribution", title="Mentoring")

    response = signed_in.get(URL, {"kind": "audit"})

    assert titles(response) == ["Autumn audit", "Spring audit"]
    assert "2 items match your filters." in pages.html(response)


def test_it_filters_by_treatment_function_code(signed_in, alice):
    surgery = Specialty.objects.get(code="100")
    make_evidence(alice, "audit", title="Surgery audit", specialties=[surgery])
    make_evidence(alice, "specialty", title="Surgery experience", specialty=surgery)
    make_evidence(alice, "complex_case", title="Medical case")  # 300
    make_evidence(alice, "cpd", title="Course without specialty")

    response = signed_in.get(URL, {"specialty": "100"})

    assert sorted(titles(response)) == ["Surgery audit", "Surgery experience"]


def test_an_item_with_several_specialties_appears_once(signed_in, alice):
    make_evidence(
        alice, "audit", title="Broad audit", specialties=specialties("100", "300")
    )

    response = signed_in.get(URL, {"specialty": "100"})

    assert titles(response) == ["Broad audit"]


def test_it_filters_by_a_date_range_including_both_ends(signed_in, alice):
    for title, day in [
        ("January", datetime.date(2026, 1, 10)),
        ("February", datetime.date(2026, 2, 15)),
        ("March", datetime.date(2026, 3, 20)),
        ("April", datetime.date(2026, 4, 25)),
    ]:
        make_evidence(alice, "cpd", title=title, date=day)

    response = signed_in.get(
        URL,
        date_parts("date_from", datetime.date(2026, 2, 15))
        | date_parts("date_to", datetime.date(2026, 3, 20)),
    )

    assert titles(response) == ["March", "February"]


def test_it_filters_from_a_date_only(signed_in, alice):
    make_evidence(alice, "cpd", title="Old", date=datetime.date(2025, 12, 31))
    make_evidence(alice, "cpd", title="New", date=datetime.date(2026, 1, 1))

    response = signed_in.get(URL, date_parts("date_from", datetime.date(2026, 1, 1)))

    assert titles(response) == ["New"]


def test_filters_combine(signed_in, alice):
    make_evidence(
        alice,
        "audit",
        title="Old surgery audit",
        specialties=specialties("100"),
        date=datetime.date(2025, 1, 1),
    )
    make_evidence(
        alice,
        "audit",
        title="New surgery audit",
        specialties=specialties("100"),
        date=datetime.date(2026, 6, 1),
    )
    make_evidence(
        alice,
        "audit",
        title="New medicine audit",
        specialties=specialties("300"),
        date=datetime.date(2026, 6, 1),
    )
    make_evidence(
        alice,
        "specialty",
        title="New surgery experience",
        date=datetime.date(2026, 6, 1),
    )

    response = signed_in.get(
        URL,
        {"kind": "audit", "specialty": "100"}
        | date_parts("date_from", datetime.date(2026, 1, 1)),
    )

    assert titles(response) == ["New surgery audit"]


def test_it_sorts_oldest_first(signed_in, alice):
    make_evidence(alice, "cpd", title="Middle", date=datetime.date(2026, 2, 1))
    make_evidence(alice, "audit", title="Oldest", date=datetime.date(2025, 1, 1))
    make_evidence(
        alice, "qualification", title="Newest", date=datetime.date(2026, 8, 1)
    )

    response = signed_in.get(URL, {"sort": "oldest"})

    assert titles(response) == ["Oldest", "Middle", "Newest"]
    assert titles(signed_in.get(URL, {"sort": "newest"})) == [
        "Newest",
        "Middle",
        "Oldest",
    ]


def test_it_handles_an_inverted_date_range(signed_in, alice):
    make_evidence(alice, "cpd", title="Course")

    response = signed_in.get(
        URL,
        date_parts("date_from", datetime.date(2026, 3, 1))
        | date_parts("date_to", datetime.date(2026, 2, 1)),
    )

    assert response.status_code == 200
    assert "The end of the range must not be before its start." in unescape(
        pages.html(response)
    )


def test_it_handles_a_date_that_does_not_exist(signed_in, alice):
    make_evidence(alice, "cpd", title="Course")

    response = signed_in.get(
        URL, {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    )

    assert response.status_code == 200
    assert "Enter a valid date." in pages.html(response)


def test_the_specialty_filter_offers_every_specialty_of_the_reference_table(
    signed_in, alice
):
    make_evidence(alice, "specialty", specialty=Specialty.objects.get(code="100"))

    response = signed_in.get(URL)

    # Cardiology has no evidence, and is offered all the same.
    assertInHTML('<option value="320">Cardiology</option>', pages.html(response))
    assert pages.html(response).count("<option value=") == (
        Specialty.objects.count() + 1 + len(KINDS) + 1 + 2
    )  # every specialty and "All"; every kind and "All"; two sorts


def test_an_unknown_specialty_is_refused(signed_in, alice):
    response = signed_in.get(URL, {"specialty": "999"})

    assertContains(response, "Select a valid choice. 999 is not one of")


def test_a_field_in_error_is_announced_and_linked_from_the_summary(signed_in):
    response = signed_in.get(URL, {"kind": "gossip", "sort": "oldest"})
    html = pages.html(response)

    assertContains(response, 'class="nhsuk-error-summary"')
    assertContains(response, '<a href="#id_kind">Select a valid choice.', count=1)
    assertContains(
        response,
        '<select class="nhsuk-select nhsuk-select--error" id="id_kind" name="kind" '
        'aria-invalid="true" aria-describedby="id_kind-error">',
    )
    assertContains(response, '<span class="nhsuk-error-message" id="id_kind-error">')
    # What was chosen stays chosen; a field without an error is left alone.
    assertInHTML('<option value="oldest" selected>Oldest first</option>', html)
    assertContains(response, '<select class="nhsuk-select" id="id_sort" name="sort">')


def test_a_date_in_error_is_announced_and_keeps_what_was_typed(signed_in):
    response = signed_in.get(
        URL, {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    )

    assertContains(
        response,
        '<fieldset class="nhsuk-fieldset" role="group" '
        'aria-describedby="id_date_from-error">',
    )
    assertContains(response, '<a href="#id_date_from">Enter a valid date.</a>')
    assertContains(response, 'name="date_from_day" value="31"')
    assertContains(response, 'name="date_from_year" value="2026"')
    assertContains(response, 'id="id_date_from" aria-invalid="true"')


def test_it_handles_an_unknown_kind(signed_in, alice):
    make_evidence(alice, "cpd", title="Course")

    response = signed_in.get(URL, {"kind": "gossip"})

    assert response.status_code == 200
    assert "Select a valid choice." in pages.html(response)


def test_it_pages_by_twenty(signed_in, alice):
    make_items(alice, 45, datetime.date(2025, 1, 1))

    first = signed_in.get(URL)
    third = signed_in.get(URL, {"page": "3"})

    assert PAGE_SIZE == 20
    assert titles(first) == [f"Item {n:02d}" for n in range(45, 25, -1)]
    assert "Page 2 of 3" in first.content.decode()
    assert titles(third) == ["Item 05", "Item 04", "Item 03", "Item 02", "Item 01"]
    assert next_link(third) is None
    assert "45 items." in first.content.decode()


def test_a_later_page_without_filters_does_not_claim_to_be_filtered(signed_in, alice):
    """Turning the page is not filtering: the count must not say it matches filters."""
    make_items(alice, 45, datetime.date(2025, 1, 1))

    html = signed_in.get(URL, {"page": "2"}).content.decode()

    assert "45 items." in html
    assert "match your filters" not in html


def test_the_next_link_keeps_the_filters(signed_in, alice):
    make_items(alice, 45, datetime.date(2025, 1, 1), kind="cpd")
    make_items(alice, 3, datetime.date(2025, 1, 1), kind="audit")

    first = signed_in.get(URL, {"kind": "cpd", "sort": "oldest"})
    assert titles(first) == [f"Item {n:02d}" for n in range(1, 21)]
    link = next_link(first)
    assert link is not None
    assert "kind=cpd" in link
    assert "sort=oldest" in link
    assert "page=2" in link

    second = signed_in.get(URL + link)
    assert titles(second) == [f"Item {n:02d}" for n in range(21, 41)]

    third = signed_in.get(URL + next_link(second))
    assert titles(third) == [f"Item {n:02d}" for n in range(41, 46)]
    assert next_link(third) is None


def test_a_page_past_the_end_shows_the_last_page(signed_in, alice):
    make_items(alice, 25, datetime.date(2025, 1, 1))

    response = signed_in.get(URL, {"page": "99"})

    assert response.status_code == 200
    assert titles(response) == [f"Item {n:02d}" for n in range(5, 0, -1)]


def test_it_lists_only_the_owners_items(signed_in, alice, bob):
    make_evidence(alice, "audit", title="Alice audit", specialties=specialties("100"))
    for kind in KINDS:
        make_evidence(bob, kind, title=f"Bob {kind}")
    make_evidence(
        bob, "audit", title="Bob surgery audit", specialties=specialties("100")
    )

    everything = signed_in.get(URL)
    filtered = signed_in.get(URL, {"kind": "audit", "specialty": "100"})

    assert titles(everything) == ["Alice audit"]
    assert titles(filtered) == ["Alice audit"]
    html = everything.content.decode()
    assert not [kind for kind in KINDS if f"Bob {kind}" in html]
    assert "Bob surgery audit" not in html


def test_an_empty_list_says_so(signed_in):
    response = signed_in.get(URL)

    assert response.status_code == 200
    assert titles(response) == []
    assert "0 items." in pages.html(response)


def test_it_requires_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_recruiters_get_not_found(client, alice, rachel):
    make_evidence(alice, "cpd")
    client.force_login(rachel)

    assert client.get(URL).status_code == 404


def test_a_full_page_costs_a_fixed_number_of_queries(
    signed_in, alice, django_assert_num_queries
):
    make_mixed_items(alice, PAGE_SIZE)

    # 1. the session, 2. the user, 3. the specialties offered by the filter
    # form's select (the reference table), 4. the paginator's count of the
    # owner's items, 5. the page of 20 items, 6. those items' specialties.
    with django_assert_num_queries(6):
        response = signed_in.get(URL)

    assert len(titles(response)) == PAGE_SIZE


@pytest.mark.parametrize("count", [5, 40])
def test_the_number_of_queries_does_not_grow_with_the_items(
    signed_in, alice, django_assert_num_queries, count
):
    make_mixed_items(alice, count)

    # Session, user, filter form's specialties, count, page, page's specialties.
    with django_assert_num_queries(6):
        response = signed_in.get(URL, {"sort": "oldest"})

    assert len(titles(response)) == min(count, PAGE_SIZE)
