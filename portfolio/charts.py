"""Charts as SVG images, drawn with matplotlib; always shown beside a data table."""

import base64
import io
from decimal import Decimal

import matplotlib
from matplotlib.figure import Figure

NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
NHS_GREEN = "#007f3b"

matplotlib.rcParams.update(
    {
        # Text stays text (searchable, crisp); ids are stable from run to run.
        "svg.fonttype": "none",
        "svg.hashsalt": "coderfolio",
        "font.family": "sans-serif",
        "font.sans-serif": ["Liberation Sans", "Arial", "DejaVu Sans"],
        "font.size": 10,
    }
)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        # Repeatable output: no timestamp, fixed ids, text kept as text.
        metadata={"Date": None},
    )
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=96)
    figure.set_layout_engine("constrained")
    return figure


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def accuracy_trend_svg(trend: list[dict], threshold: Decimal = Decimal(90)) -> str:
    """Overall accuracy of every audit over time, with the threshold line."""
    figure = _figure(7, 3.2)
    axes = figure.add_subplot()
    dates = [row["date"] for row in trend if row["overall"] is not None]
    values = [float(row["overall"]) for row in trend if row["overall"] is not None]
    axes.plot(dates, values, marker="o", color=NHS_BLUE, linewidth=2, label="Accuracy")
    axes.axhline(
        float(threshold),
        color=NHS_GREEN,
        linestyle="--",
        linewidth=1.5,
        label=f"{threshold}% threshold",
    )
    low = min([*values, float(threshold)], default=80) - 5
    axes.set_ylim(max(0, low), 100)
    axes.set_ylabel("Codes correct (%)")
    axes.grid(axis="y", color="#d8dde0")
    axes.legend(loc="lower right", frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.autofmt_xdate()
    return _svg(figure)


def specialty_breadth_svg(specialties: list, limit: int = 15) -> str:
    """Items of evidence per specialty, the most evidenced first."""
    shown = specialties[:limit]
    figure = _figure(7, 0.35 * max(len(shown), 3) + 0.8)
    axes = figure.add_subplot()
    names = [s.name for s in reversed(shown)]
    counts = [s.items for s in reversed(shown)]
    axes.barh(names, counts, color=NHS_BLUE)
    axes.set_xlabel("Items of evidence")
    axes.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)
