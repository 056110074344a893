"""Charts as SVG images, always shown beside a table of the same figures.

Drawn from small SVG templates: a line and a bar chart need no plotting library,
and a page that draws them on every request cannot afford one (matplotlib took
400 ms a dashboard). The same SVG goes into the PDF pack.
"""

import base64
import datetime
from decimal import Decimal

from django.template.loader import render_to_string

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 48


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _date_ticks(first: datetime.date, last: datetime.date, most: int = 6) -> list:
    """Up to `most` month starts between two dates, evenly spaced."""
    months = (last.year - first.year) * 12 + last.month - first.month
    step = max(1, -(-months // (most - 1))) if months else 1
    ticks, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = datetime.date(year, month, 1)
        if first <= day <= last or not ticks:
            ticks.append(max(day, first))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def accuracy_trend_svg(trend: list[dict], threshold: Decimal = Decimal(90)) -> str:
    """Overall accuracy of every audit over time, against the threshold line."""
    rows = [row for row in trend if row["overall"] is not None]
    values = [float(row["overall"]) for row in rows]
    low = min([*values, float(threshold)], default=80.0) - 5
    low = max(0.0, 5 * (low // 5))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (100 - value) / (100 - low), 1)

    first = rows[0]["date"] if rows else datetime.date.today()
    last = rows[-1]["date"] if rows else first
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / span, 1)

    points = [(x(row["date"]), y(v)) for row, v in zip(rows, values, strict=True)]
    return render_to_string(
        "portfolio/charts/trend.svg",
        {
            "width": WIDTH,
            "height": HEIGHT,
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "bottom": TOP + plot_h,
            "grid": [
                {"y": y(v), "label": f"{v:g}%"}
                for v in range(int(low), 101, 5 if 100 - low <= 40 else 10)
            ],
            "threshold": {"y": y(float(threshold)), "label": f"{threshold}% threshold"},
            "points": points,
            "polyline": " ".join(f"{px},{py}" for px, py in points),
            "ticks": [
                {"x": x(day), "label": f"{day:%b %Y}"}
                for day in _date_ticks(first, last)
            ],
        },
    )


def specialty_breadth_svg(specialties: list, limit: int = 15) -> str:
    """Items of evidence per specialty, the most evidenced first."""
    shown = specialties[:limit]
    label_w, bar_h, gap = 220, 18, 8
    most = max([s.items for s in shown], default=1) or 1
    plot_w = WIDTH - label_w - RIGHT - 32
    bars = [
        {
            "y": TOP + i * (bar_h + gap),
            "text_y": TOP + i * (bar_h + gap) + bar_h - 4,
            "width": round(plot_w * s.items / most, 1),
            "name": s.name if len(s.name) <= 30 else s.name[:29] + "…",
            "items": s.items,
            "end": label_w + round(plot_w * s.items / most, 1) + 6,
        }
        for i, s in enumerate(shown)
    ]
    return render_to_string(
        "portfolio/charts/breadth.svg",
        {
            "width": WIDTH,
            "height": TOP + len(shown) * (bar_h + gap) + 8,
            "label_w": label_w,
            "label_x": label_w - 8,
            "bar_h": bar_h,
            "bars": bars,
        },
    )
