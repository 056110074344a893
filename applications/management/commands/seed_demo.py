"""Demo data: a trust, a lead recruiter and a panel member, two open vacancies, the
demo coder (a 3-year portfolio, ACC) with a submitted application and its packs, a
second coder (a smaller portfolio, no NCCQ) who has not applied, and five other
coders' applications to the first vacancy (strong, partial, weak; both routes), with
verification requests in each state. Safe to run repeatedly."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from applications.management.demo import (
    DEMO_APPLICANTS,
    build_demo_applicants,
    build_demo_portfolio,
    build_second_portfolio,
    demo_statement,
)
from applications.models import Application, Statement, SubmissionPack, Vacancy
from applications.tasks import build_pack
from portfolio.models import VerificationRequest
from portfolio.verification import verifier_path
from specifications.models import EvidenceLink, PersonSpecification

DEMO_PASSWORD = "coderfolio-demo"  # noqa: S105 - a published demo password
DEMO_TRUST = {
    "name": "University Hospitals Dorset NHS Foundation Trust",
    "ods_code": "R0D",
}
DEMO_USERS = [
    {
        "email": "coder@demo.coderfolio.test",
        "full_name": "Casey Morgan",
        "role": User.Role.CODER,
    },
    {
        "email": "coder2@demo.coderfolio.test",
        "full_name": "Sam Okafor",
        "role": User.Role.CODER,
    },
    {
        "email": "recruiter@demo.coderfolio.test",
        "full_name": "Robin Hughes",
        "role": User.Role.RECRUITER,
    },
    # Sits on the panel that the recruiter above leads (see seed_demo_panel).
    {
        "email": "panel@demo.coderfolio.test",
        "full_name": "Priti Nair",
        "role": User.Role.RECRUITER,
    },
]
DEMO_CODER = "coder@demo.coderfolio.test"
SECOND_CODER = "coder2@demo.coderfolio.test"
# Both on the UHD spec and open, as the job listing gives them: the demo coder has
# applied to the first, so the second is there to apply to (and both for the second
# coder).
LISTING_SALARY = (
    "£28,392 - £39,043 Dependent on experience/qualifications (ACC/Non-ACC)"
)
DEMO_VACANCIES = [
    {
        "reference": "198-HIMS-8079977",
        "title": "Senior Clinical Coder/Clinical Coder (ACC/Non-ACC)",
        "band": "Band 4",
        "salary": LISTING_SALARY,
        "hours": "37.5 hours per week",
        "open_days": 60,
    },
    {
        "reference": "198-HIMS-8083152",
        "title": "Clinical Coder",
        "band": "Band 4",
        "salary": LISTING_SALARY,
        "hours": "37.5 hours per week",
        "open_days": 45,
    },
]


class Command(BaseCommand):
    help = "Create or refresh the demo data (safe to run repeatedly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Demo accounts have a published password.",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the demo is served, for the verifier's link it prints.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off: their password "
                "is public. Set DJANGO_DEBUG=true, or pass --force on a throw-away "
                "database."
            )
        with transaction.atomic():
            users = self.seed_people()
            self.seed_applicants()
        vacancy = self.seed_application(users[DEMO_CODER], users[SECOND_CODER])
        self.print_verifier_link(users[DEMO_CODER], options["base_url"])
        if apps.is_installed("recruitment"):
            # The review app sits above this one: called by name, not imported.
            call_command("seed_demo_panel", vacancy=vacancy.pk, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /account/sign-in/ as:")
        )
        for details in DEMO_USERS:
            role = User.Role(details["role"]).label.lower()
            self.stdout.write(
                f"  {role:<15} {details['email']}  password: {DEMO_PASSWORD}"
            )
        self.stdout.write(
            f"  and the {len(DEMO_APPLICANTS)} other coders who applied, e.g. "
            f"{DEMO_APPLICANTS[0][0]}, with the same password."
        )

    def seed_people(self) -> dict[str, User]:
        """The demo users by email."""
        trust, _ = Organisation.objects.update_or_create(
            ods_code=DEMO_TRUST["ods_code"], defaults={"name": DEMO_TRUST["name"]}
        )
        users = {}
        for details in DEMO_USERS:
            organisation = trust if details["role"] == User.Role.RECRUITER else None
            user, _ = User.objects.update_or_create(
                email=details["email"],
                defaults={
                    "full_name": details["full_name"],
                    "role": details["role"],
                    "organisation": organisation,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            users[user.email] = user
        return users

    def seed_applicants(self) -> None:
        """The accounts of the other coders who apply to the demo vacancy."""
        for email, full_name, _, _ in DEMO_APPLICANTS:
            user, _ = User.objects.update_or_create(
                email=email,
                defaults={
                    "full_name": full_name,
                    "role": User.Role.CODER,
                    "organisation": None,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])

    def seed_application(self, coder: User, second: User) -> Vacancy:
        """The open vacancies on the UHD spec, both coders' portfolios, the demo
        coder's submitted application to the first vacancy and the other
        applicants' (see build_demo_applicants). Returns that vacancy."""
        spec = PersonSpecification.objects.get(slug="uhd-senior-clinical-coder-v1")
        today = timezone.localdate()
        with transaction.atomic():
            # Remove the old demo applications first: their statements refer to
            # evidence that rebuilding the portfolios deletes.
            for pack in SubmissionPack.objects.filter(
                application__applicant__in=[coder, second]
            ):
                pack.file.delete(save=False)
            Application.objects.filter(applicant__in=[coder, second]).delete()
            items = build_demo_portfolio(coder, today)
            self.stdout.write(f"The demo coder's portfolio has {items} items.")
            items = build_second_portfolio(second, today)
            self.stdout.write(f"The second coder's portfolio has {items} items.")
            vacancies = [
                Vacancy.objects.update_or_create(
                    organisation=spec.organisation,
                    reference=details["reference"],
                    defaults={
                        "title": details["title"],
                        "band": details["band"],
                        "salary": details["salary"],
                        "hours": details["hours"],
                        "closing_date": today
                        + datetime.timedelta(days=details["open_days"]),
                        "specification": spec,
                    },
                )[0]
                for details in DEMO_VACANCIES
            ]
            vacancy = vacancies[0]
            application = Application.objects.create(
                vacancy=vacancy, applicant=coder, route=Application.Route.ACC
            )
            links = EvidenceLink.objects.filter(evidence__owner=coder)
            for criterion in spec.criteria.all():
                statement = Statement.objects.create(
                    application=application,
                    criterion=criterion,
                    text=demo_statement(criterion),
                )
                statement.evidence.set(
                    links.filter(criterion=criterion).values_list("evidence", flat=True)
                )
            application.submit()
            others = build_demo_applicants(vacancy, today)
        # Built here, whichever task backend is set, so the demo starts with every
        # pack; with a queue, the workers find them built and skip them.
        demo_packs = SubmissionPack.objects.filter(application__vacancy=vacancy)
        for pack in demo_packs.exclude(state=SubmissionPack.State.DONE):
            build_pack.call(pack.pk)
        built = application.packs.filter(state=SubmissionPack.State.DONE).count()
        self.stdout.write(
            f"Application {application.candidate_number} to {vacancy} submitted; "
            f"{built} packs built."
        )
        built = demo_packs.filter(
            application__in=others, state=SubmissionPack.State.DONE
        ).count()
        self.stdout.write(
            f"{len(others)} more applications submitted by other coders; "
            f"{built} packs built."
        )
        return vacancy

    def print_verifier_link(self, coder: User, base_url: str) -> None:
        """Print the link of the demo request still waiting for its verifier (made
        with the portfolio, by build_demo_verifications)."""
        pending = VerificationRequest.objects.open().filter(owner=coder).first()
        if pending is None:
            return
        self.stdout.write(
            "A verifier's link, waiting for an answer (open it signed out):\n"
            f"  {base_url.rstrip('/')}{verifier_path(pending)}"
        )
