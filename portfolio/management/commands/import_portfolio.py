"""Add a portfolio file's contents to a coder's portfolio: all of it, or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portfolio.management.commands.export_portfolio import get_coder
from portfolio.portability import PortfolioImportError, import_portfolio, loads


class Command(BaseCommand):
    help = (
        "Import a portfolio JSON file (from export_portfolio) into a coder's account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The portfolio JSON file.")
        parser.add_argument(
            "--owner", required=True, help="Email address of the coder to import into."
        )

    def handle(self, *args, file: Path, owner: str, **options) -> None:
        coder = get_coder(owner)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            summary = import_portfolio(loads(content), coder)
        except PortfolioImportError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(f"Imported {summary} for {coder.email}.")
