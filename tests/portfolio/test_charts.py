"""Charts are well-formed SVG that show every figure they are given."""

import datetime
from decimal import Decimal
from types import SimpleNamespace
from xml.dom.minidom import parseString

from portfolio.charts import (
    accuracy_trend_alt,
    accuracy_trend_svg,
    data_uri,
    specialty_breadth_alt,
    specialty_breadth_svg,
)
from portfolio.metrics import ACCURACY_THRESHOLD


def parse(svg: str):
    """Our own SVG, not untrusted input: the standard parser is fine here."""
    return parseString(svg)  # noqa: S318


def test_the_trend_has_a_point_per_audit_and_the_threshold_line():
    trend = [
        {"date": datetime.date(2025, 1, 10), "overall": Decimal("86.5")},
        {"date": datetime.date(2025, 6, 1), "overall": None},  # nothing audited
        {"date": datetime.date(2026, 3, 2), "overall": Decimal("95.1")},
    ]
    svg = accuracy_trend_svg(trend, threshold=Decimal(90))
    document = parse(svg)
    assert len(document.getElementsByTagName("circle")) == 2
    assert len(document.getElementsByTagName("polyline")) == 1
    texts = [t.firstChild.data for t in document.getElementsByTagName("text")]
    assert "90% threshold" in texts
    assert "Jan 2025" in texts


def test_the_threshold_line_is_the_named_default_unless_given():
    one = [{"date": datetime.date(2025, 1, 10), "overall": Decimal("91")}]
    texts = [
        t.firstChild.data
        for t in parse(accuracy_trend_svg(one)).getElementsByTagName("text")
    ]
    assert f"{ACCURACY_THRESHOLD}% threshold" in texts


def test_a_single_audit_or_none_still_draws():
    one = [{"date": datetime.date(2025, 1, 10), "overall": Decimal("91")}]
    assert parse(accuracy_trend_svg(one))
    assert parse(accuracy_trend_svg([]))


def test_bars_are_in_order_with_escaped_names():
    specialties = [
        SimpleNamespace(name="Ear, Nose & Throat <ENT>", items=7),
        SimpleNamespace(name="Cardiology", items=3),
    ]
    svg = specialty_breadth_svg(specialties)
    document = parse(svg)
    rects = document.getElementsByTagName("rect")[1:]  # after the background
    widths = [float(r.getAttribute("width")) for r in rects]
    assert widths[0] > widths[1]
    texts = [t.firstChild.data for t in document.getElementsByTagName("text")]
    assert texts[:2] == ["Ear, Nose & Throat <ENT>", "7"]
    assert data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_the_trend_alt_text_says_what_is_drawn():
    trend = [
        {"date": datetime.date(2025, 1, 10), "overall": Decimal("86.5")},
        {"date": datetime.date(2025, 6, 1), "overall": None},  # not drawn
        {"date": datetime.date(2026, 3, 2), "overall": Decimal("95.1")},
    ]
    circles = parse(accuracy_trend_svg(trend)).getElementsByTagName("circle")
    alt = accuracy_trend_alt(trend, Decimal(90))
    assert f"of {len(circles)} audits from 10 January 2025 to 2 March 2026" in alt
    assert "from 86.5% to 95.1%" in alt
    assert alt.endswith(
        "against the 90% threshold (a dashed line): 1 of 2 at or above it."
    )


def test_the_specialty_alt_text_names_every_bar_drawn_and_no_other():
    specialties = [
        SimpleNamespace(name=f"Specialty {n}", items=20 - n) for n in range(18)
    ]
    drawn = [
        t.firstChild.data
        for t in parse(specialty_breadth_svg(specialties)).getElementsByTagName("text")
    ][::2]
    alt = specialty_breadth_alt(specialties)
    assert len(drawn) == 15
    assert alt.startswith("Bar chart of the items of evidence in the 15 most evidenced")
    assert all(f"{name} {20 - n}" in alt for n, name in enumerate(drawn))
    assert "Specialty 15" not in alt
