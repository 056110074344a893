"""Demo data: a trust, a coder with a 3-year portfolio, a recruiter. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from portfolio.demo import build_demo_portfolio

DEMO_PASSWORD = "coderfolio-demo"  # noqa: S105 - a published demo password
DEMO_TRUST = {
    "name": "University Hospitals Dorset NHS Foundation Trust",
    "ods_code": "R0D",
}
DEMO_USERS = [
    {
        "email": "coder@demo.coderfolio.test",
        "full_name": "Casey Coder",
        "role": User.Role.CODER,
    },
    {
        "email": "recruiter@demo.coderfolio.test",
        "full_name": "Robin Recruiter",
        "role": User.Role.RECRUITER,
    },
]


class Command(BaseCommand):
    help = "Create or refresh the demo organisation and users (safe to run repeatedly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Demo accounts have a published password.",
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off: their password "
                "is public. Set DJANGO_DEBUG=true, or pass --force on a throw-away "
                "database."
            )
        trust, _ = Organisation.objects.update_or_create(
            ods_code=DEMO_TRUST["ods_code"], defaults={"name": DEMO_TRUST["name"]}
        )
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
                items = build_demo_portfolio(user, timezone.localdate())
                self.stdout.write(f"The demo coder's portfolio has {items} items.")

        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /account/sign-in/ as:")
        )
        for details in DEMO_USERS:
            role = User.Role(details["role"]).label.lower()
            self.stdout.write(
                f"  {role:<15} {details['email']}  password: {DEMO_PASSWORD}"
            )
