"""`manage.py load_demo`: load the brochure's demo cycle and demo accounts, then print how to sign in."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from gradadmit.cycles.demo import create_demo_accounts, load_demo_cycle


class Command(BaseCommand):
    help = "Create or update the demo admission cycle (application open now) and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD); the application windows are open on it.",
        )

    def handle(self, *args, today=None, **options):
        try:
            # One transaction: a failure half-way leaves the database as it was, never half a demo.
            with transaction.atomic():
                cycle = load_demo_cycle(today=today)
                accounts = create_demo_accounts(cycle)
        except ValueError as error:
            raise CommandError(str(error)) from error

        rows = [("Role", "Email", "Password"), *accounts]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        rule = "+-" + "-+-".join("-" * width for width in widths) + "-+"
        self.stdout.write(self.style.SUCCESS(f"Demo cycle loaded: {cycle.code} ({cycle.name_zh})"))
        self.stdout.write(rule)
        for index, row in enumerate(rows):
            self.stdout.write(
                "| " + " | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)) + " |"
            )
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
        self.stdout.write(f"Cycle page: {_cycle_path(cycle)}")


def _cycle_path(cycle) -> str:
    try:
        return reverse("cycles:cycle", kwargs={"code": cycle.code})
    except (NoReverseMatch, ImportError):
        # The URLconf may not include the cycles app (yet); this is its path when mounted at the root.
        return f"/cycles/{cycle.code}/"
