"""The snapshot freezes the employment history, so the panel can check the years of
coding experience; the anonymised pack gives it without the employers' names."""

import datetime
import re
from html import unescape

import pytest

from applications import pack
from applications.models import Application
from applications.snapshot import applicable_criteria, build_snapshot
from tests.factories import make_employment, make_vacancy

TODAY = datetime.date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("frozen_today")


def text(html: str) -> str:
    """The page's words: inline tags dropped, the others as spaces."""
    html = re.sub(r"</?(strong|a|em)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def snapshot(alice, trust_a) -> dict:
    make_employment(
        alice,
        employer="Royal Bournemouth Hospital",
        role="Trainee Clinical Coder",
        band="Band 3",
        start_date=datetime.date(2021, 11, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    make_employment(
        alice,
        employer="Dorset County Hospital NHS Foundation Trust",
        role="Clinical Coder",
        start_date=datetime.date(2023, 1, 9),
    )
    make_employment(
        alice,
        employer="Poole Hospital NHS Foundation Trust",
        role="Medical Records Clerk",
        band="Band 2",
        start_date=datetime.date(2019, 6, 3),
        end_date=datetime.date(2021, 10, 29),
        is_coding_role=False,
    )
    application = Application.objects.create(
        vacancy=make_vacancy(trust_a), applicant=alice, route="acc"
    )
    return build_snapshot(application, TODAY)


def test_the_snapshot_holds_every_post_newest_first(snapshot):
    assert snapshot["employment"] == [
        {
            "employer": "Dorset County Hospital NHS Foundation Trust",
            "role": "Clinical Coder",
            "band": "Band 4",
            "start": "2023-01-09",
            "end": None,
            "coding": True,
        },
        {
            "employer": "Royal Bournemouth Hospital",
            "role": "Trainee Clinical Coder",
            "band": "Band 3",
            "start": "2021-11-01",
            "end": "2022-12-31",
            "coding": True,
        },
        {
            "employer": "Poole Hospital NHS Foundation Trust",
            "role": "Medical Records Clerk",
            "band": "Band 2",
            "start": "2019-06-03",
            "end": "2021-10-29",
            "coding": False,
        },
    ]
    assert snapshot["metrics"]["years_of_experience"] == "5.0"


def test_the_full_pack_shows_the_posts_behind_the_years(snapshot):
    page = text(
        pack.render_html(
            snapshot, snapshot_sha256="0" * 64, pack_id="P1", anonymised=False
        )
    )
    assert "Coding experience: 5.0 years, from the clinical coding posts below" in page
    assert (
        "Royal Bournemouth Hospital Trainee Clinical Coder Band 3 "
        "1 November 2021 to 31 December 2022 Yes"
    ) in page
    assert "Clinical Coder Band 4 9 January 2023 to now Yes" in page
    assert "Medical Records Clerk Band 2 3 June 2019 to 29 October 2021 No" in page


def test_the_anonymised_pack_shows_the_posts_without_employers(snapshot):
    page = text(
        pack.render_html(
            snapshot, snapshot_sha256="0" * 64, pack_id="P1", anonymised=True
        )
    )
    assert "employers withheld for shortlisting" in page
    assert "Trainee Clinical Coder Band 3 1 November 2021 to 31 December 2022" in page
    for employer in ("Royal Bournemouth", "Dorset County", "Poole Hospital"):
        assert employer not in page


def test_applicable_criteria_follow_the_route_when_a_snapshot_does_not_say():
    data = {
        "route": "acc",
        "criteria": [
            {"text": "all", "route": ""},
            {"text": "acc", "route": "acc"},
            {"text": "portfolio", "route": "portfolio"},
            {"text": "said so", "route": "portfolio", "applies": True},
        ],
    }
    assert [c["text"] for c in applicable_criteria(data)] == ["all", "acc", "said so"]
