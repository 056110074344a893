"""Demo data: a trust, a recruiter, two open vacancies, the demo coder (a 3-year
portfolio, ACC) with a submitted application and its packs, and a second coder (a
smaller portfolio, no NCCQ) who has not applied. Safe to run repeatedly."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from applications.management.demo import (
    build_demo_portfolio,
    build_second_portfolio,
    demo_statement,
)
from applications.models import Application, Statement, SubmissionPack, Vacancy
from applications.tasks import build_pack
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
]
DEMO_CODER = "coder@demo.coderfolio.test"
SECOND_CODER = "coder2@demo.coderfolio.test"
# Both on the UHD spec and open: the demo coder has applied to the first, so the
# second is there to apply to (and both for the second coder).
DEMO_VACANCIES = [
    {
        "reference": "198-HIMS-8079977",
        "title": "Senior Clinical Coder",
        "band": "Band 4",
        "open_days": 60,
    },
    {
        "reference": "198-HIMS-8083152",
        "title": "Clinical Coder",
        "band": "Band 4",
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

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off: their password "
                "is public. Set DJANGO_DEBUG=true, or pass --force on a throw-away "
                "database."
            )
        with transaction.atomic():
            users = self.seed_people()
        self.seed_application(users[DEMO_CODER], users[SECOND_CODER])
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /account/sign-in/ as:")
        )
        for details in DEMO_USERS:
            role = User.Role(details["role"]).label.lower()
            self.stdout.write(
                f"  {role:<15} {details['email']}  password: {DEMO_PASSWORD}"
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

    def seed_application(self, coder: User, second: User) -> None:
        """The open vacancies on the UHD spec, both coders' portfolios, and the demo
        coder's submitted application to the first vacancy."""
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
        # Built here, whichever task backend is set, so the demo starts with both
        # packs; with a queue, the workers find them built and skip them.
        for pack in application.packs.exclude(state=SubmissionPack.State.DONE):
            build_pack.call(pack.pk)
        built = application.packs.filter(state=SubmissionPack.State.DONE).count()
        self.stdout.write(
            f"Application {application.candidate_number} to {vacancy} submitted; "
            f"{built} packs built."
        )
