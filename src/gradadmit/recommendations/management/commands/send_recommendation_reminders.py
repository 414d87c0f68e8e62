"""Queue the recommendation reminders that are due (run hourly from cron; safe to run twice)."""

from django.core.management.base import BaseCommand

from gradadmit.recommendations.services import send_due_reminders


class Command(BaseCommand):
    help = "Remind recommenders who have not finished, 3 days and 1 day before the letters deadline."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) queued")
