"""The demo vacancy's panel: the demo recruiter leads it and the demo panel member
sits on it, with the shortlist open. Run by `seed_demo`, after the applications."""

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User
from applications.management.commands.seed_demo import DEMO_USERS
from applications.models import Vacancy
from recruitment.models import Panel, PanelMember


class Command(BaseCommand):
    help = "Give the demo vacancy its panel (seed_demo runs this; safe to rerun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vacancy", type=int, required=True)

    @transaction.atomic
    def handle(self, *args, vacancy: int, **options) -> None:
        recruiters = [
            User.objects.get(email=details["email"])
            for details in DEMO_USERS
            if details["role"] == User.Role.RECRUITER
        ]
        lead, *members = recruiters
        # Reopened: the demo's applications were just submitted afresh.
        panel, _ = Panel.objects.update_or_create(
            vacancy=Vacancy.objects.get(pk=vacancy),
            defaults={"lead": lead, "finalised_at": None},
        )
        panel.members.exclude(recruiter__in=recruiters).delete()
        for recruiter in recruiters:
            PanelMember.objects.get_or_create(panel=panel, recruiter=recruiter)
        self.stdout.write(
            f"{lead.full_name} leads the panel of {panel.vacancy}, with "
            + ", ".join(m.full_name for m in members)
            + "."
        )
