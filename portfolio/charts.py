"""Charts as SVG images, always shown beside a table of the same figures.

Written directly as SVG: a line and a bar chart need no plotting library, and a
page that draws them on every request cannot afford one (matplotlib took 400 ms a
dashboard, a template engine 10). The same SVG goes into the PDF pack.

Each chart has its alternative text here too, written from the same rows as the
drawing, so the text says what is drawn: the pack and the dashboard use both.
Labels are FONT_SIZE user units; the pack prints a chart FONT_SIZE / WIDTH of the
printed width high, so at least 8 pt on a full-width A4 column (see pack.css).
"""

import base64
import datetime
from decimal import Decimal

from django.utils.html import escape

from portfolio.formats import long_date
from portfolio.metrics import ACCURACY_THRESHOLD

WIDTH, HEIGHT = 640, 300
FONT_SIZE = 12
SPECIALTY_LIMIT = 15  # bars drawn: the most evidenced specialties
NAME_LENGTH = 30  # a longer specialty name is drawn cut, with an ellipsis
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


SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
    'viewBox="0 0 {w} {h}" font-family="Arial, \'Liberation Sans\', sans-serif" '
    'font-size="{font}" role="img"><rect width="{w}" height="{h}" fill="#ffffff"/>'
)


def accuracy_trend_svg(
    trend: list[dict], threshold: Decimal = ACCURACY_THRESHOLD
) -> str:
    """Overall accuracy of every audit over time, against the threshold line."""
    rows = [row for row in trend if row["overall"] is not None]
    values = [float(row["overall"]) for row in rows]
    low = min([*values, float(threshold)], default=80.0) - 5
    low = max(0.0, 5 * (low // 5))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    right, bottom = WIDTH - RIGHT, TOP + plot_h

    def y(value: float) -> float:
        return round(TOP + plot_h * (100 - value) / (100 - low), 1)

    first = rows[0]["date"] if rows else datetime.date.today()
    last = rows[-1]["date"] if rows else first
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / span, 1)

    parts = [SVG_OPEN.format(w=WIDTH, h=HEIGHT, font=FONT_SIZE)]
    for v in range(int(low), 101, 5 if 100 - low <= 40 else 10):
        parts.append(
            f'<line x1="{LEFT}" x2="{right}" y1="{y(v)}" y2="{y(v)}" stroke="#d8dde0"/>'
            f'<text x="{LEFT - 6}" y="{y(v)}" dy="4" text-anchor="end" '
            f'fill="#4c6272">{v}%</text>'
        )
    ty = y(float(threshold))
    parts.append(
        f'<line x1="{LEFT}" x2="{right}" y1="{ty}" y2="{ty}" stroke="#007f3b" '
        f'stroke-width="2" stroke-dasharray="6 4"/><text x="{right}" y="{ty}" dy="-6" '
        f'text-anchor="end" fill="#007f3b">{escape(threshold)}% threshold</text>'
        f'<line x1="{LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#4c6272"/>'
    )
    for day in _date_ticks(first, last):
        parts.append(
            f'<text x="{x(day)}" y="{bottom + 18}" text-anchor="middle" '
            f'fill="#4c6272">{day:%b %Y}</text>'
        )
    points = [(x(row["date"]), y(v)) for row, v in zip(rows, values, strict=True)]
    if len(points) > 1:
        line = " ".join(f"{px},{py}" for px, py in points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="#005eb8" stroke-width="3"/>'
        )
    parts += [
        f'<circle cx="{px}" cy="{py}" r="4" fill="#005eb8"/>' for px, py in points
    ]
    parts.append("</svg>")
    return "".join(parts)


def specialty_breadth_svg(specialties: list, limit: int = SPECIALTY_LIMIT) -> str:
    """Items of evidence per specialty, the most evidenced first."""
    shown = specialties[:limit]
    label_w, bar_h, gap = 220, 16, 6
    most = max([s.items for s in shown], default=1) or 1
    plot_w = WIDTH - label_w - RIGHT - 32
    height = TOP + len(shown) * (bar_h + gap) + 8
    parts = [SVG_OPEN.format(w=WIDTH, h=height, font=FONT_SIZE)]
    for i, s in enumerate(shown):
        top = TOP + i * (bar_h + gap)
        width = round(plot_w * s.items / most, 1)
        name = s.name if len(s.name) <= NAME_LENGTH else s.name[:29] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{top + bar_h - 4}" text-anchor="end" '
            f'fill="#212b32">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{top}" width="{width}" height="{bar_h}" '
            f'fill="#005eb8"/><text x="{label_w + width + 6}" y="{top + bar_h - 4}" '
            f'fill="#212b32">{s.items}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _points(trend: list[dict]) -> list[dict]:
    return [row for row in trend if row["overall"] is not None]


def accuracy_trend_alt(
    trend: list[dict], threshold: Decimal = ACCURACY_THRESHOLD
) -> str:
    """What accuracy_trend_svg draws for the same rows, in words."""
    points = _points(trend)
    if not points:
        return f"An empty chart: no audited codes, and the {threshold}% threshold."
    values = [row["overall"] for row in points]
    reaching = sum(1 for value in values if value >= threshold)
    first, last = points[0], points[-1]
    audits = f"{len(points)} audit{'s' if len(points) != 1 else ''}"
    span = (
        f"on {long_date(first['date'])}: {first['overall']}%"
        if len(points) == 1
        else (
            f"from {long_date(first['date'])} to {long_date(last['date'])}: from "
            f"{first['overall']}% to {last['overall']}%, lowest {min(values)}%, "
            f"highest {max(values)}%"
        )
    )
    return (
        f"Line chart of the overall coding accuracy of {audits} {span}, against "
        f"the {threshold}% threshold (a dashed line): {reaching} of {len(points)} "
        "at or above it."
    )


def specialty_breadth_alt(specialties: list, limit: int = SPECIALTY_LIMIT) -> str:
    """What specialty_breadth_svg draws for the same rows, in words: every bar."""
    shown = specialties[:limit]
    if not shown:
        return "An empty chart: no specialties with evidence."
    which = (
        f"the {len(shown)} most evidenced of {len(specialties)} specialties"
        if len(specialties) > len(shown)
        else f"{len(shown)} specialt{'ies' if len(shown) != 1 else 'y'}"
    )
    bars = ", ".join(f"{s.name} {s.items}" for s in shown)
    return f"Bar chart of the items of evidence in {which}: {bars}."
