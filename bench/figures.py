"""A figure: a value with its unit, or `n/a` with the reason; and its target."""

from collections.abc import Callable
from dataclasses import dataclass, field

# The order figures are printed and written in; every run prints every one of them.
ORDER = [
    "dashboard_queries_10",
    "dashboard_queries_1000",
    "dashboard_first_view_ratio",
    "evidence_list_queries",
    "evidence_list_first_view_ratio",
    "matrix_queries",
    "matrix_first_view_ratio",
    "recruiter_list_queries",
    "recruiter_list_ratio",
    "scoring_queries",
    "zip_seconds",
    "zip_peak_mb",
    "pack_seconds",
    "pack_pages",
    "pack_peak_mb",
    "chromium_print_seconds",
    "pack_vs_chromium",
    "packs_ready_seconds",
    *[
        f"{name}.{database}"
        for database in ("sqlite", "postgresql")
        for name in ("load_p95_ms", "load_rps", "load_errors", "load_lost_writes")
    ],
]


def _at_most(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


def _equals(expected: float) -> Callable[[float], bool]:
    return lambda value: value == expected


# name (without the database suffix) -> (target as text, check)
TARGETS: dict[str, tuple[str, Callable[[float], bool] | None]] = {
    "dashboard_queries_10": ("<= 12, flat in N", _at_most(12)),
    "dashboard_queries_1000": ("<= 12, flat in N", _at_most(12)),
    # Each page on its first view after a change, against the bare view.
    "dashboard_first_view_ratio": ("<= 4", _at_most(4)),
    "evidence_list_queries": ("<= 12, flat in N", _at_most(12)),
    "evidence_list_first_view_ratio": ("<= 6", _at_most(6)),
    "matrix_queries": ("<= 12, flat in N", _at_most(12)),
    "matrix_first_view_ratio": ("<= 4", _at_most(4)),
    "recruiter_list_queries": ("<= 10, flat in N", _at_most(10)),
    "recruiter_list_ratio": ("<= 4", _at_most(4)),
    "scoring_queries": ("<= 12", _at_most(12)),
    "zip_peak_mb": ("<= 150", _at_most(150)),
    # Judged per page by the pack measurement itself, which knows the page count.
    "pack_seconds": ("<= 0.025 s a page (warm)", None),
    "pack_peak_mb": ("<= 150", _at_most(150)),
    "pack_vs_chromium": ("< 1 (faster than Chromium)", lambda value: value < 1),
    "load_p95_ms": ("<= 150", _at_most(150)),
    "load_errors": ("0", _equals(0)),
    "load_lost_writes": ("0", _equals(0)),
}


@dataclass
class Figure:
    name: str
    value: float | int | None = None
    unit: str = ""
    note: str = ""
    na: str | None = None  # why there is no value
    met: bool | None = None  # against the target; None when there is none
    target: str | None = field(default=None)

    def __post_init__(self) -> None:
        base = self.name.split(".")[0]
        if base in TARGETS and self.target is None:
            self.target, check = TARGETS[base]
            if self.value is not None and self.met is None and check is not None:
                self.met = check(self.value)

    @classmethod
    def not_available(cls, name: str, reason: str) -> "Figure":
        return cls(name=name, na=reason)

    def value_text(self) -> str:
        value = self.value
        if isinstance(value, float):
            if value >= 100:
                return f"{value:.0f}"
            if value >= 10:
                return f"{value:.1f}"
            return f"{value:.2f}"
        return str(value)

    def line(self) -> str:
        if self.value is None:
            return f"{self.name}: n/a ({self.na})"
        notes = [self.note] if self.note else []
        if self.target is not None and self.met is not None:
            notes.append(f"target {self.target}: {'met' if self.met else 'MISSED'}")
        suffix = f" ({'; '.join(notes)})" if notes else ""
        return f"{self.name}: {self.value_text()} {self.unit}{suffix}".replace(
            "  ", " "
        )

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "unit": self.unit,
            "note": self.note,
            "na": self.na,
            "target": self.target,
            "met": self.met,
        }
