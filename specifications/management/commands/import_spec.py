"""Create a person specification from a JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from specifications.specs import SpecImportError, import_spec, loads


class Command(BaseCommand):
    help = "Create a person specification from a JSON file (see the README)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation",
            help="Import it for this organisation (its name) instead of the file's.",
        )

    def handle(self, *args, file: Path, organisation: str | None = None, **options):
        target = None
        if organisation:
            target = Organisation.objects.filter(name=organisation).first()
            if target is None:
                raise CommandError(f"No organisation is called {organisation!r}.")
        try:
            text = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            spec = import_spec(loads(text), organisation=target)
        except SpecImportError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {spec} for {spec.organisation} as {spec.slug}, "
                f"with {spec.criteria.count()} criteria."
            )
        )
