"""`manage.py load_demo`: the brochure's demo cycle, demo accounts and synthetic applicants; prints how to sign in."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from gradadmit.accounts.models import User
from gradadmit.cycles.demo import OFFICE_EMAIL, create_demo_accounts, load_demo_cycle
from gradadmit.cycles.demo_applicants import DEFAULT_APPLICANTS, DEFAULT_SEED, load_demo_applicants
from gradadmit.outbox.models import Email
from gradadmit.outbox.services import cancel_queued


class Command(BaseCommand):
    help = "Create or update the demo admission cycle (application open now) and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD); the application windows are open on it.",
        )
        parser.add_argument(
            "--applicants",
            type=int,
            default=DEFAULT_APPLICANTS,
            help=f"Synthetic applicants to have (default {DEFAULT_APPLICANTS}; 0 for none). Existing ones are kept.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Seed of the synthetic applicants (same seed, same data)."
        )

    def handle(self, *args, today=None, applicants=DEFAULT_APPLICANTS, seed=DEFAULT_SEED, **options):
        if applicants < 0:
            raise CommandError("--applicants must be 0 or more.")
        started = time.monotonic()
        try:
            # One transaction: a failure half-way leaves the database as it was, never half a demo.
            with transaction.atomic():
                cycle = load_demo_cycle(today=today)
                accounts = create_demo_accounts(cycle)
                created = load_demo_applicants(
                    cycle=cycle, office=User.objects.get(email=OFFICE_EMAIL), count=applicants, seed=seed
                )
                # Synthetic people have no mailbox: their emails stay in the outbox as cancelled, so the console
                # of `make run` shows what the demo accounts receive, not thousands of made-up messages.
                cancel_queued(emails=Email.objects.filter(to__startswith="demo-applicant-", status="queued"))
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
        self.stdout.write(
            f"Synthetic applicants: {created} created, {applicants} asked for (seed {seed}), "
            f"in {time.monotonic() - started:.1f} s; they sign in with the same password."
        )


def _cycle_path(cycle) -> str:
    try:
        return reverse("cycles:cycle", kwargs={"code": cycle.code})
    except (NoReverseMatch, ImportError):
        # The URLconf may not include the cycles app (yet); this is its path when mounted at the root.
        return f"/cycles/{cycle.code}/"
