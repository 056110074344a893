"""Write a person specification as JSON, or list the specifications' slugs."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from specifications.models import PersonSpecification
from specifications.specs import dumps, spec_to_dict


class Command(BaseCommand):
    help = "Write one person specification as JSON; with no slug, list the slugs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="The specification's slug.")

    def handle(self, *args, slug: str | None = None, **options) -> None:
        if not slug:
            for spec in PersonSpecification.objects.select_related("organisation"):
                self.stdout.write(f"{spec.slug}\t{spec.organisation}: {spec}")
            return
        spec = PersonSpecification.objects.filter(slug=slug).first()
        if spec is None:
            raise CommandError(
                f"No specification has the slug {slug!r}. Run export_spec with no "
                "argument to list them."
            )
        self.stdout.write(dumps(spec_to_dict(spec)), ending="")
