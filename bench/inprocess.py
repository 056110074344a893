"""Figures measured in this process with Django's test client (figures 1 to 7).

Each function returns its figures, or `n/a` figures with the reason when the
capability is not built yet. Pages are measured on their first view after a change
to the coder's portfolio (`change_portfolio`, outside the timing), which is what a
coder who has just added an item waits for. Query counts come from
`CaptureQueriesContext` on a warm request; times are medians of interleaved runs of
the page and of the bare view (`bench/urls.py`), for the same signed-in user, after
a warm-up. The pack (figure 5) is built in a fresh process, `bench/pack_build.py`,
and printed by Chromium.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import datagen
from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Plan:
    """How much to measure: the full run, or the quick one (under a minute)."""

    quick: bool
    warmup: int
    runs: int
    list_items: int  # the evidence list's portfolio size
    pack_items: int  # the pack's portfolio size
    pack_runs: int  # timed pack builds, after one warm-up
    chromium_runs: int
    applications: int  # submitted applications to the reviewed vacancy
    zip_packs: int  # packs in the zip the worker builds

    @classmethod
    def make(cls, quick: bool) -> "Plan":
        if quick:
            return cls(
                quick=True,
                warmup=2,
                runs=7,
                list_items=2000,
                pack_items=60,  # 300 take over a minute to build three times
                pack_runs=2,
                chromium_runs=1,
                applications=1000,
                zip_packs=50,
            )
        return cls(
            quick=False,
            warmup=5,
            runs=30,
            list_items=10000,
            pack_items=300,
            pack_runs=5,
            chromium_runs=3,
            applications=5000,
            zip_packs=200,
        )

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


def change_portfolio(user) -> None:
    """A change to the coder's portfolio, as the app makes one (an item saved), and
    Django's cache emptied: whatever the page shows next is its first view after a
    change, even if a page cache comes back one day."""
    from portfolio.models import Evidence

    item = Evidence.objects.filter(owner=user).order_by("pk").first()
    if item is not None:
        item.details.save()
    cache.clear()


def count_queries(
    client: Client, url: str, user, change: Callable[[], None] | None = None
) -> int:
    """Queries of the page's first view after a change, on a warm process. The
    change is to the coder's portfolio unless another is given."""
    change = change or (lambda: change_portfolio(user))
    _get(client, url)  # warm: first requests fill caches (content types, ...)
    change()
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries.captured_queries)


def time_against_bare(
    client: Client,
    url: str,
    plan: Plan,
    user,
    change: Callable[[], None] | None = None,
) -> Timing:
    """Median times of the page's first view after a change and of the bare view,
    interleaved, same client; the change (to the coder's portfolio unless another
    is given) is made before each run of the page, outside the timing."""
    change = change or (lambda: change_portfolio(user))
    bare = reverse("bench_bare")
    for _ in range(plan.warmup):
        _get(client, url)
        _get(client, bare)
    page_times, bare_times = [], []
    for _ in range(plan.runs):
        change()
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


def first_view_ratio(
    name: str, portfolios: Portfolios, url: str, n: int, plan: Plan
) -> Figure:
    """`<name>_first_view_ratio`: the page's first view after a change, against the
    bare view, for the coder with n items."""
    timing = time_against_bare(portfolios.client(n), url, plan, portfolios.users[n])
    return Figure(
        f"{name}_first_view_ratio",
        round(timing.ratio, 2),
        "x",
        plan.note(n, timing) + ", first view after a change",
    )


def queries(portfolios: Portfolios, url: str, n: int) -> int:
    return count_queries(portfolios.client(n), url, portfolios.users[n])


def dashboard(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 1: the coder dashboard."""
    url = reverse("portfolio:home")
    q10 = queries(portfolios, url, 10)
    q1000 = queries(portfolios, url, 1000)
    return [
        Figure("dashboard_queries_10", q10, "queries", "n=10, first view"),
        Figure("dashboard_queries_1000", q1000, "queries", "n=1000, first view"),
        first_view_ratio("dashboard", portfolios, url, 300, plan),
    ]


def evidence_list(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 2: the evidence list, first page, for a coder with many items."""
    url = reverse("portfolio:evidence_list")
    n = plan.list_items
    large = queries(portfolios, url, n)
    small = queries(portfolios, url, 10)
    return [
        Figure(
            "evidence_list_queries",
            large,
            "queries",
            f"{plan.note(n)}, first view; {small} at n=10",
        ),
        first_view_ratio("evidence_list", portfolios, url, n, plan),
    ]


def matrix(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 3: the coverage matrix of the seeded UHD spec."""
    url = reverse("specs:matrix", args=[datagen.SPEC_SLUG])
    large = queries(portfolios, url, 300)
    small = queries(portfolios, url, 10)
    return [
        Figure(
            "matrix_queries",
            large,
            "queries",
            f"{plan.note(300)}, first view; {small} at n=10",
        ),
        first_view_ratio("matrix", portfolios, url, 300, plan),
    ]


def review(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figures 4, 6 and 7: the recruiters' side of a vacancy with many
    submissions (see bench/review.py)."""
    from bench import review as review_bench

    return review_bench.measure(portfolios, plan)


# Figure 5's submission: a statement on every criterion, each citing up to this many
# items, so that the pack's evidence appendix is large (about 200 of 300 items).
PACK_ITEMS_PER_CRITERION = 10
PACK_NAMES = (
    "pack_seconds",
    "pack_pages",
    "pack_peak_mb",
    "chromium_print_seconds",
    "pack_vs_chromium",
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
# The kinds of evidence a coder would cite for a criterion: from its rule, else from
# its category.
RULE_KINDS = {
    "accuracy": ["audit"],
    "specialty_count": ["specialty"],
    "refresher_within": ["cpd"],
    "holds_acc": ["qualification", "cpd"],
    "experience_years": ["productivity", "specialty"],
}
CATEGORY_KINDS = {
    "skills": ["clinical_query", "complex_case", "contribution"],
    "knowledge": ["cpd", "complex_case", "clinical_query"],
    "experience": ["complex_case", "specialty", "audit"],
    "qualifications": ["cpd", "qualification", "audit"],
}


def _criterion_candidates(user, criterion) -> list[int]:
    """Ids of the coder's items that fit the criterion, best first: the items linked
    to it in the portfolio, then those matching its rule, then those of its kinds,
    newest first."""
    from portfolio.models import Evidence
    from specifications.models import EvidenceLink

    rule = criterion.rule or {}
    own = Evidence.objects.filter(owner=user).order_by("-date", "-pk")
    if rule.get("kind") == "item_count":
        kinds = [rule["item_kind"]]
    else:
        kinds = RULE_KINDS.get(rule.get("kind"), CATEGORY_KINDS[criterion.category])
    matching = own.filter(kind__in=kinds)
    if rule.get("contribution_types"):
        matching = matching.filter(
            contribution__contribution_type__in=rule["contribution_types"]
        )
    if rule.get("case_type"):
        matching = matching.filter(complexcase__case_types__slug=rule["case_type"])
    linked = EvidenceLink.objects.filter(
        criterion=criterion, evidence__owner=user
    ).values_list("evidence_id", flat=True)
    ordered = [
        *linked,
        *matching.values_list("pk", flat=True),
        *own.filter(kind__in=kinds).values_list("pk", flat=True),
    ]
    return list(dict.fromkeys(ordered))


def make_submission(
    user, seed: int = 5, reference: str = "BENCH-2026-0001", draft: bool = False
):
    """A submitted application of `user` to a vacancy on the seeded UHD spec (the
    one with this reference, made if need be), frozen with the app's own `freeze`
    (build_snapshot + canonical_json), without the task; with `draft`, left a
    complete draft for `submit()` (one vacancy each).

    Every criterion gets a statement of about 120 words citing up to
    PACK_ITEMS_PER_CRITERION items, items not yet cited elsewhere first."""
    import random

    from django.utils import timezone

    from applications.models import Application, Statement, Vacancy
    from applications.snapshot import freeze
    from specifications.models import PersonSpecification

    rng = random.Random(seed)  # noqa: S311 - repeatable generated data
    today = timezone.localdate()
    spec = PersonSpecification.objects.get(slug=datagen.SPEC_SLUG)
    vacancy, _ = Vacancy.objects.get_or_create(
        organisation=spec.organisation,
        reference=reference,
        defaults={
            "title": "Senior Clinical Coder",
            "band": "Band 5",
            "closing_date": today + datetime.timedelta(days=30),
            "specification": spec,
        },
    )
    application = Application.objects.create(
        vacancy=vacancy,
        applicant=user,
        route=Application.Route.PORTFOLIO,
        status=Application.Status.DRAFT if draft else Application.Status.SUBMITTED,
        submitted_at=None if draft else timezone.now(),
    )
    cited: set[int] = set()
    for criterion in spec.criteria.order_by("order"):
        candidates = _criterion_candidates(user, criterion)
        fresh = [pk for pk in candidates if pk not in cited]
        chosen = (fresh + [pk for pk in candidates if pk in cited])[
            :PACK_ITEMS_PER_CRITERION
        ]
        cited.update(chosen)
        statement = Statement.objects.create(
            application=application,
            criterion=criterion,
            text="In my current post I "
            + datagen._text(rng, 60).lower()
            + " "
            + datagen._text(rng, 60),
        )
        statement.evidence.set(chosen)
    if not draft:
        freeze(application, today)
    return application, application.statements.count(), len(cited)


def _chromium_print(html: Path, runs: int) -> tuple[list[float], int]:
    """Times of Chromium printing `html` to PDF, whole process, a fresh profile each
    run; and the pages of its PDF."""
    from pypdf import PdfReader

    times, pages = [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-chromium-") as folder:
            out = Path(folder) / "out.pdf"
            command = [
                CHROMIUM,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={Path(folder) / 'profile'}",
                f"--print-to-pdf={out}",
                html.as_uri(),
            ]
            started = time.perf_counter()
            result = subprocess.run(  # noqa: S603 - a fixed program, our arguments
                command, capture_output=True, timeout=300, check=False
            )
            times.append(time.perf_counter() - started)
            if result.returncode != 0 or not out.exists():
                raise RuntimeError(
                    f"chromium answered {result.returncode}: "
                    f"{result.stderr.decode(errors='replace')[-500:]}"
                )
            pages = len(PdfReader(out).pages)
    return times, pages


def pack(portfolios: Portfolios, plan: Plan) -> list[Figure]:
    """Figure 5: the PDF pack of the 300-item portfolio, and Chromium printing the
    same HTML.

    The submission comes from `make_submission`. The pack is built by
    `bench/pack_build.py` in a fresh process against the same database, so that the
    peak memory (`ru_maxrss`) is that process's alone: a warm-up, then `pack_runs`
    builds of the full pack (`build_pdf(..., anonymised=False)`), median taken. The
    same process writes the pack's HTML with the stylesheet inline; Chromium prints
    it as a whole process (start, load, lay out, print, exit), median of
    `chromium_runs`. `BENCH_PACK_PROFILE=FILE` adds a pyinstrument profile of one
    more build (diagnosis only; pyinstrument is not a dependency).
    """
    n = plan.pack_items
    portfolios.client(n)
    application, statements, cited = make_submission(portfolios.users[n])
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as folder:
        html = Path(folder) / "pack.html"
        args = [
            "--application",
            str(application.pk),
            "--runs",
            str(plan.pack_runs),
            "--html",
            str(html),
        ]
        if os.environ.get("BENCH_PACK_PROFILE"):
            args += ["--profile", os.environ["BENCH_PACK_PROFILE"]]
        result = subprocess.run(  # noqa: S603 - our own script, our arguments
            [sys.executable, str(ROOT / "bench" / "pack_build.py"), *args],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr, flush=True)
            reason = (
                "pack_build.py failed: "
                + (result.stderr.strip().splitlines() or ["no output"])[-1]
            )
            return [Figure.not_available(name, reason) for name in PACK_NAMES]
        built = json.loads(result.stdout)
        try:
            chromium_times, chromium_pages = _chromium_print(html, plan.chromium_runs)
            chromium_error = None
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as error:
            chromium_error = f"Chromium could not print the pack: {error}"[:300]

    seconds = statistics.median(built["seconds"])
    pages = built["pages"]
    ms_page = seconds * 1000 / pages
    quick = ", quick" if plan.quick else ""
    size = (
        f"{n} items{quick}; {cited} in the appendix ({statements} statements, up to "
        f"{PACK_ITEMS_PER_CRITERION} items each)"
    )
    before = built["before"]["peak_mb"]
    figures = [
        Figure(
            "pack_seconds",
            round(seconds, 3),
            "s",
            f"{ms_page:.1f} ms a page over {pages} pages; median of "
            f"{plan.pack_runs} after a warm-up of {built['warmup_seconds']:.1f} s, "
            f"in a fresh process; {size}",
            met=ms_page <= 25,
        ),
        Figure(
            "pack_pages",
            pages,
            "pages",
            f"PDF {built['pdf_bytes'] / 1e6:.1f} MB, snapshot "
            f"{built['snapshot_bytes'] / 1e3:.0f} kB",
        ),
        Figure(
            "pack_peak_mb",
            round(built["peak_mb"], 1),
            "MB",
            f"peak RSS (ru_maxrss, MiB) of the building process: {before:.0f} after "
            f"Django and WeasyPrint imports, {built['peak_mb_after_warmup']:.0f} "
            f"after the warm-up build, {built['peak_mb']:.0f} after "
            f"{plan.pack_runs} more",
        ),
    ]
    if chromium_error:
        return [
            *figures,
            Figure.not_available("chromium_print_seconds", chromium_error),
            Figure.not_available("pack_vs_chromium", chromium_error),
        ]
    chromium = statistics.median(chromium_times)
    return [
        *figures,
        Figure(
            "chromium_print_seconds",
            round(chromium, 3),
            "s",
            f"{CHROMIUM} --headless --print-to-pdf, whole process, fresh profile, "
            f"median of {plan.chromium_runs}; {chromium_pages} pages",
        ),
        Figure(
            "pack_vs_chromium",
            round(seconds / chromium, 2),
            "x",
            f"{seconds:.2f} s vs {chromium:.2f} s",
        ),
    ]


# The review last but the load test: it grows this process (thousands of
# snapshots), and a process started after that would inherit its peak memory
# in ru_maxrss (Linux keeps it across fork and exec), which the pack measures.
MEASUREMENTS = [dashboard, evidence_list, matrix, pack, review]
