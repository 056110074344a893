"""Figures 4, 6 and 7: a vacancy under review with many submitted applications.

- `recruiter_list_queries`, `recruiter_list_ratio`: the vacancy's longlist
  (`recruitment:longlist`, first page, default order) for its lead, on the first
  view after a change: before each measured view one more application is submitted
  (an application and its snapshot written as `Application.submit` writes them),
  so the view places it in the longlist from its snapshot, as after any submission.
- `scoring_queries`: a panel member's scoring page (`recruitment:application`) of
  an application the whole panel has scored.
- `zip_seconds`, `zip_peak_mb`: the zip of the vacancy's anonymised packs, built by
  `recruitment.tasks.build_zip` in a real task worker (`manage.py db_worker
  --batch`, a process of its own, run by bench/zip_build.py), its peak memory.

The applications are generated from one real snapshot: a coder's submission frozen
with the app's own `freeze`, then copied for every applicant with its candidate
block and criteria statuses changed (a third meet every applicable Essential
criterion, a third some, a third none), written with bulk_create. A fifth of them
are scored by both panel members on every applicable criterion. The packs in the
zip are copies of one real anonymised pack of that snapshot (`build_pdf`).
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "BENCH-REVIEW-0001"
SMALL_REFERENCE = "BENCH-REVIEW-0002"
TEMPLATE_ITEMS = 10  # the portfolio behind the snapshot every application copies
SCORED_SHARE = 5  # one application in this many is scored by the whole panel


class Review:
    """The lead and a member of the panel, the vacancy and its applications."""

    def __init__(self, portfolios, plan) -> None:
        from accounts.models import User
        from applications.models import Vacancy
        from bench.inprocess import make_submission
        from recruitment.models import Panel, PanelMember

        self.plan = plan
        portfolios.client(TEMPLATE_ITEMS)
        application, _, _ = make_submission(
            portfolios.users[TEMPLATE_ITEMS], reference=REFERENCE
        )
        self.template = json.loads(application.snapshot.content)
        self.vacancy = application.vacancy
        organisation = self.vacancy.organisation
        self.lead, self.member = (
            User.objects.create(
                email=f"{name}@bench.coderfolio.test",
                full_name=f"Bench {name}",
                role=User.Role.RECRUITER,
                organisation=organisation,
                password=make_password(None),
            )
            for name in ("lead", "member")
        )
        self.small = Vacancy.objects.create(
            organisation=organisation,
            specification=self.vacancy.specification,
            title="Clinical Coder",
            band="Band 4",
            reference=SMALL_REFERENCE,
            closing_date=self.vacancy.closing_date,
        )
        for vacancy in (self.vacancy, self.small):
            panel = Panel.objects.create(vacancy=vacancy, lead=self.lead)
            PanelMember.objects.bulk_create(
                PanelMember(panel=panel, recruiter=user)
                for user in (self.lead, self.member)
            )
        self.serial = 0
        self.applications(self.vacancy, plan.applications - 1)
        self.applications(self.small, 10)
        self.lead_client, self.member_client = Client(), Client()
        self.lead_client.force_login(self.lead)
        self.member_client.force_login(self.member)

    def snapshot(self, serial: int, number: str) -> str:
        """The template snapshot for another applicant: its own candidate block,
        and its criteria met in full, in part or not at all."""
        from applications.snapshot import canonical_json

        data = dict(self.template)
        pile = serial % 3
        data["candidate"] = {
            "name": f"Bench Applicant {serial}",
            "email": f"applicant-{serial}@bench.coderfolio.test",
            "candidate_number": number,
        }
        data["criteria"] = [
            {
                **c,
                "status": "evidenced"
                if pile == 0 or (pile == 1 and i % 2 == 0)
                else "statement",
            }
            for i, c in enumerate(self.template["criteria"])
        ]
        return canonical_json(data)

    @transaction.atomic
    def applications(self, vacancy, n: int) -> list:
        """n submitted applications to the vacancy, each by a coder of its own."""
        from accounts.models import User
        from applications.models import Application, Snapshot, StatusChange

        now = timezone.now()
        made = []
        for start in range(0, n, 1000):
            size = min(1000, n - start)
            serials = range(self.serial, self.serial + size)
            self.serial += size
            coders = User.objects.bulk_create(
                User(
                    email=f"applicant-{i}@bench.coderfolio.test",
                    full_name=f"Bench Applicant {i}",
                    role=User.Role.CODER,
                    password=make_password(None),
                )
                for i in serials
            )
            applications = Application.objects.bulk_create(
                Application(
                    vacancy=vacancy,
                    applicant=coder,
                    candidate_number=f"C{100000 + i}",
                    route=Application.Route.ACC if i % 2 else "portfolio",
                    status=Application.Status.SUBMITTED,
                    submitted_at=now,
                )
                for i, coder in zip(serials, coders, strict=True)
            )
            snapshots = []
            for i, application in zip(serials, applications, strict=True):
                content = self.snapshot(i, application.candidate_number)
                snapshots.append(
                    Snapshot(
                        application=application,
                        content=content,
                        sha256=hashlib.sha256(content.encode()).hexdigest(),
                    )
                )
            Snapshot.objects.bulk_create(snapshots, batch_size=200)
            StatusChange.objects.bulk_create(
                StatusChange(
                    application=a,
                    changed_by=a.applicant,
                    at=now,
                    from_status="draft",
                    to_status="submitted",
                )
                for a in applications
            )
            made += applications
        return made

    def submit_one(self) -> None:
        """One more submission: the change before each first view."""
        self.applications(self.vacancy, 1)

    def score(self) -> int:
        """Both members score every applicable criterion of every SCORED_SHARE-th
        application; the id of one so scored."""
        from applications.models import Application
        from recruitment.longlist import review_criteria
        from recruitment.models import Score

        refs = [c.ref for c in review_criteria(self.template)]
        scored = list(
            Application.objects.filter(vacancy=self.vacancy)
            .order_by("pk")
            .values_list("pk", flat=True)[::SCORED_SHARE]
        )
        Score.objects.bulk_create(
            (
                Score(
                    application_id=pk,
                    member=member,
                    criterion=ref,
                    score=(pk + i) % 3,
                    note="Shown in the statement and the items cited.",
                )
                for pk in scored
                for member in (self.lead, self.member)
                for i, ref in enumerate(refs)
            ),
            batch_size=2000,
        )
        return scored[0]


def _zip_figures(review: Review, plan) -> list[Figure]:
    """The zip of plan.zip_packs anonymised packs, built by the task in a worker."""
    from applications.models import Application, SubmissionPack
    from applications.pack import build_pdf
    from recruitment.models import PackZip

    application = Application.objects.filter(vacancy=review.vacancy).earliest("pk")
    pdf, pages = build_pdf(
        application.snapshot.content, application_id=application.pk, anonymised=True
    )
    chosen = list(
        Application.objects.filter(vacancy=review.vacancy).order_by("pk")[
            : plan.zip_packs
        ]
    )
    packs = []
    for application in chosen:
        name = default_storage.save(
            f"packs/{application.pk}/bench.pdf", ContentFile(pdf)
        )
        packs.append(
            SubmissionPack(
                application=application,
                variant=SubmissionPack.Variant.ANONYMISED,
                state=SubmissionPack.State.DONE,
                progress=100,
                file=name,
                size=len(pdf),
                pages=pages,
                built_at=timezone.now(),
            )
        )
    SubmissionPack.objects.bulk_create(packs)
    bundle = PackZip.objects.create(vacancy=review.vacancy, requested_by=review.lead)
    result = subprocess.run(  # noqa: S603 - our own script, our arguments
        [sys.executable, str(ROOT / "bench" / "zip_build.py"), "--zip", str(bundle.pk)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_TASKS_BACKEND": "database"},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    names = ("zip_seconds", "zip_peak_mb")
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr, flush=True)
        reason = (
            "zip_build.py failed: "
            + ((result.stderr.strip().splitlines() or ["no output"])[-1])
        )
        return [Figure.not_available(name, reason) for name in names]
    built = json.loads(result.stdout)
    bundle.refresh_from_db()
    if bundle.state != PackZip.State.DONE:
        reason = f"the worker left the zip {bundle.state}: {bundle.error[:200]}"
        return [Figure.not_available(name, reason) for name in names]
    quick = ", quick" if plan.quick else ""
    return [
        Figure(
            "zip_seconds",
            round(built["seconds"], 2),
            "s",
            f"{bundle.packs} packs of {len(pdf) / 1e6:.2f} MB ({pages} pages), zip "
            f"{bundle.size / 1e6:.0f} MB; the worker's whole run, start to exit"
            f"{quick}",
        ),
        Figure(
            "zip_peak_mb",
            round(built["peak_mb"], 1),
            "MB",
            f"peak RSS (ru_maxrss, MiB) of the db_worker process that built it; "
            f"{built['idle_peak_mb']:.0f} for the same worker with nothing to do",
        ),
    ]


def measure(portfolios, plan) -> list[Figure]:
    from bench.inprocess import count_queries, time_against_bare

    review = Review(portfolios, plan)
    n = plan.applications
    longlist = reverse("recruitment:longlist", args=[review.vacancy.pk])
    small = reverse("recruitment:longlist", args=[review.small.pk])
    client = review.lead_client
    change = review.submit_one
    _get_ok(client, longlist)  # places every application: the vacancy's first view
    small_queries = count_queries(
        client, small, review.lead, change=lambda: review.applications(review.small, 1)
    )
    large_queries = count_queries(client, longlist, review.lead, change=change)
    timing = time_against_bare(client, longlist, plan, review.lead, change=change)
    scored = review.score()
    page = reverse("recruitment:application", args=[scored])
    scoring_queries = count_queries(
        review.member_client, page, review.member, change=lambda: None
    )
    from recruitment.longlist import review_criteria

    snapshot_kb = len(json.dumps(review.template)) / 1000
    criteria = len(review_criteria(review.template))
    return [
        Figure(
            "recruiter_list_queries",
            large_queries,
            "queries",
            f"{plan.note(n)}, first view after a submission; {small_queries} at n=11",
        ),
        Figure(
            "recruiter_list_ratio",
            round(timing.ratio, 2),
            "x",
            plan.note(n, timing) + ", first view after a submission (a snapshot of "
            f"about {snapshot_kb:.0f} kB placed in the longlist)",
        ),
        Figure(
            "scoring_queries",
            scoring_queries,
            "queries",
            f"a panel member's scoring page, {criteria} applicable criteria scored "
            "by both members",
        ),
        *_zip_figures(review, plan),
    ]


def _get_ok(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
