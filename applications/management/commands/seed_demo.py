"""Demo data: a trust, a coder with a 3-year portfolio, a recruiter, an open vacancy
and a submitted application with its packs. Safe to run repeatedly."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from applications.management.demo import build_demo_portfolio
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
        "email": "recruiter@demo.coderfolio.test",
        "full_name": "Robin Hughes",
        "role": User.Role.RECRUITER,
    },
]
DEMO_VACANCY = {
    "reference": "198-HIMS-8079977",
    "title": "Senior Clinical Coder",
    "band": "Band 4",
}
DEMO_STATEMENTS = {
    "skills": "In my current post I apply this every day; the evidence chosen shows "
    "when and with what result.",
    "knowledge": "I keep this knowledge current through the national courses and "
    "apply it in my coding; see the evidence.",
    "experience": "Over three years at two trusts I have built this experience, as "
    "the audits and cases chosen here show.",
    "qualifications": "I hold the qualification and keep up my CPD, as the "
    "certificates chosen here show.",
}


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
            coder = self.seed_people()
        self.seed_application(coder)
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /account/sign-in/ as:")
        )
        for details in DEMO_USERS:
            role = User.Role(details["role"]).label.lower()
            self.stdout.write(
                f"  {role:<15} {details['email']}  password: {DEMO_PASSWORD}"
            )

    def seed_people(self) -> User:
        trust, _ = Organisation.objects.update_or_create(
            ods_code=DEMO_TRUST["ods_code"], defaults={"name": DEMO_TRUST["name"]}
        )
        coder = None
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
            if user.is_coder:
                coder = user
        return coder

    def seed_application(self, coder: User) -> None:
        """An open vacancy on the UHD spec, and the coder's submitted application."""
        spec = PersonSpecification.objects.get(slug="uhd-senior-clinical-coder-v1")
        today = timezone.localdate()
        with transaction.atomic():
            # Remove the old demo application first: its statements refer to
            # evidence that rebuilding the portfolio deletes.
            for pack in SubmissionPack.objects.filter(application__applicant=coder):
                pack.file.delete(save=False)
            Application.objects.filter(applicant=coder).delete()
            items = build_demo_portfolio(coder, today)
            self.stdout.write(f"The demo coder's portfolio has {items} items.")
            vacancy, _ = Vacancy.objects.update_or_create(
                organisation=spec.organisation,
                reference=DEMO_VACANCY["reference"],
                defaults={
                    "title": DEMO_VACANCY["title"],
                    "band": DEMO_VACANCY["band"],
                    "closing_date": today + datetime.timedelta(days=60),
                    "specification": spec,
                },
            )
            application = Application.objects.create(
                vacancy=vacancy, applicant=coder, route=Application.Route.ACC
            )
            links = EvidenceLink.objects.filter(evidence__owner=coder)
            for criterion in spec.criteria.all():
                statement = Statement.objects.create(
                    application=application,
                    criterion=criterion,
                    text=DEMO_STATEMENTS[criterion.category],
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
