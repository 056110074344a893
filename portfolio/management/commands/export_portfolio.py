"""Write a coder's whole portfolio as versioned JSON, to stdout or a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from portfolio.portability import ImportSummary, dumps, export_portfolio


def get_coder(email: str) -> User:
    """The coder with this email address (any case); CommandError otherwise."""
    try:
        user = User.objects.get(email__iexact=email)
    except User.DoesNotExist:
        raise CommandError(f"No user has the email address {email}.") from None
    if user.role != User.Role.CODER:
        raise CommandError(f"{user.email} is not a coder, so has no portfolio.")
    return user


class Command(BaseCommand):
    help = "Export a coder's portfolio (evidence, attachments, employment) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The coder's email address.")
        parser.add_argument(
            "--output", type=Path, help="Write to this file instead of stdout."
        )

    def handle(self, *args, email: str, output: Path | None = None, **options):
        coder = get_coder(email)
        data = export_portfolio(coder)
        text = dumps(data) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        counts = ImportSummary(
            evidence=len(data["evidence"]),
            employment=len(data["employment"]),
            attachments=sum(len(item["attachments"]) for item in data["evidence"]),
        )
        self.stdout.write(f"Exported {counts} for {coder.email} to {output}.")
