"""Figures measured in this process with Django's test client (figures 1 to 5).

Each function returns its figures, or `n/a` figures with the reason when the
capability is not built yet. Query counts come from `CaptureQueriesContext` on a warm
request; times are medians of interleaved runs of the page and of the bare view
(`bench/urls.py`), for the same signed-in user, after a warm-up.
"""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import datagen
from bench.figures import Figure

NOT_BUILT = "applications and vacancies are not built yet"
# Once their models exist, until the measurement below is written:
IN_PROGRESS = (
    "applications and vacancies are not built yet: their models are arriving, "
    "this measurement is still to be written in bench/inprocess.py"
)


@dataclass
class Plan:
    """How much to measure: the full run, or the quick one (under a minute)."""

    quick: bool
    warmup: int
    runs: int
    list_items: int  # the evidence list's portfolio size

    @classmethod
    def make(cls, quick: bool) -> "Plan":
        if quick:
            return cls(quick=True, warmup=2, runs=7, list_items=2000)
        return cls(quick=False, warmup=5, runs=30, list_items=10000)

    def note(self, n: int, target: "Timing | None" = None) -> str:
        parts = []
        if target is not None:
            parts.append(
                f"{target.page_ms:.1f} ms vs bare {target.bare_ms:.1f} ms, "
                f"median of {target.runs}"
            )
        parts.append(f"n={n}" + (", quick" if self.quick else ""))
        return ", ".join(parts)


@dataclass
class Timing:
    page_ms: float
    bare_ms: float
    runs: int

    @property
    def ratio(self) -> float:
        return self.page_ms / self.bare_ms


class Portfolios:
    """Generated coders by portfolio size, each with a signed-in test client."""

    def __init__(self) -> None:
        self.users: dict[int, object] = {}
        self.clients: dict[int, Client] = {}
        self.seconds: dict[int, float] = {}

    def client(self, n: int) -> Client:
        if n not in self.clients:
            started = time.perf_counter()
            user = datagen.make_coder(f"coder-{n}@bench.coderfolio.test")
            datagen.generate_portfolio(user, n, seed=n)
            self.seconds[n] = time.perf_counter() - started
            client = Client()
            client.force_login(user)
            self.users[n] = user
            self.clients[n] = client
        return self.clients[n]


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def count_queries(client: Client, url: str) -> int:
    _get(client, url)  # warm: first requests fill caches (content types, ...)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries.captured_queries)


def time_against_bare(client: Client, url: str, plan: Plan) -> Timing:
    """Median times of the page and of the bare view, interleaved, same client."""
    bare = reverse("bench_bare")
    for _ in range(plan.warmup):
        _get(client, url)
        _get(client, bare)
    page_times, bare_times = [], []
    for _ in range(plan.runs):
        started = time.perf_counter()
        _get(client, url)
        middle = time.perf_counter()
        _get(client, bare)
        ended = time.perf_counter()
        page_times.append(middle - started)
        bare_times.append(ended - middle)
    return Timing(
        page_ms=statistics.median(page_times) * 1000,
        bare_ms=statistics.median(bare_times) * 1000,
        runs=plan.runs,
    )


def dashboard(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 1: the coder dashboard."""
    url = reverse("portfolio:home")
    q10 = count_queries(portfolios.client(10), url)
    q1000 = count_queries(portfolios.client(1000), url)
    timing = time_against_bare(portfolios.client(300), url, plan)
    return [
        Figure("dashboard_queries_10", q10, "queries", "n=10"),
        Figure("dashboard_queries_1000", q1000, "queries", "n=1000"),
        Figure("dashboard_ratio", round(timing.ratio, 2), "x", plan.note(300, timing)),
    ]


def evidence_list(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 2: the evidence list, first page, for a coder with many items."""
    url = reverse("portfolio:evidence_list")
    n = plan.list_items
    queries = count_queries(portfolios.client(n), url)
    small = count_queries(portfolios.client(10), url)
    timing = time_against_bare(portfolios.client(n), url, plan)
    return [
        Figure(
            "evidence_list_queries",
            queries,
            "queries",
            f"{plan.note(n)}; {small} at n=10",
        ),
        Figure(
            "evidence_list_ratio", round(timing.ratio, 2), "x", plan.note(n, timing)
        ),
    ]


def matrix(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 3: the coverage matrix of the seeded UHD spec."""
    url = reverse("specs:matrix", args=[datagen.SPEC_SLUG])
    queries = count_queries(portfolios.client(300), url)
    small = count_queries(portfolios.client(10), url)
    timing = time_against_bare(portfolios.client(300), url, plan)
    return [
        Figure(
            "matrix_queries", queries, "queries", f"{plan.note(300)}; {small} at n=10"
        ),
        Figure("matrix_ratio", round(timing.ratio, 2), "x", plan.note(300, timing)),
    ]


def _applications_built() -> bool:
    from applications import models

    return hasattr(models, "Application") and hasattr(models, "Vacancy")


def recruiter_list(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 4: a vacancy's submitted applications, with 5,000 of them.

    To fill in once applications exist: generate a vacancy of the recruiter's
    organisation with 5,000 submitted applications (bulk_create), sign a recruiter
    in, then `count_queries` and `time_against_bare` on the vacancy's list, as above.
    """
    reason = NOT_BUILT
    if _applications_built():
        reason = IN_PROGRESS
    return [
        Figure.not_available("recruiter_list_queries", reason),
        Figure.not_available("recruiter_list_ratio", reason),
    ]


def pack(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 5: the PDF pack of the 300-item portfolio, and Chromium printing the
    same HTML.

    To fill in once packs exist: submit an application for the 300-item portfolio,
    time the pack build (median of 5 after a warm-up; pages from pypdf; peak memory
    of the process from `resource.getrusage(RUSAGE_SELF).ru_maxrss`, measured in a
    fresh subprocess so that earlier figures do not count), then write the pack's
    HTML to a file and time `chromium --headless --no-sandbox --disable-gpu
    --print-to-pdf=... file.html` as a whole process, median of 5. Judge
    pack_seconds per page (<= 25 ms) and set `met` on it explicitly.
    """
    reason = NOT_BUILT
    if _applications_built():
        reason = IN_PROGRESS
    return [
        Figure.not_available(name, reason)
        for name in (
            "pack_seconds",
            "pack_pages",
            "pack_peak_mb",
            "chromium_print_seconds",
            "pack_vs_chromium",
        )
    ]


MEASUREMENTS = [dashboard, evidence_list, matrix, recruiter_list, pack]
