"""Restore a backup archive into an empty installation, checking every checksum before and after."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gradadmit.core.backup import BackupError, human_size, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this installation (empty unless --force). Stop the app "
        "servers and task workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of an installation that is not empty (its database, and stored files of the "
            "same names; other stored files are left).",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = restore_backup(archive=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        version = f", GradAdmit {result.app_version}" if result.app_version else ""
        self.stdout.write(
            f"restored the {result.vendor} database and {result.files} file(s) ({human_size(result.file_bytes)}) "
            f"from the backup of {_local(result.created_at)}{version}; every checksum matches"
        )
        if result.pending_migrations:
            self.stdout.write(
                f"the backup is older than this code: run `python manage.py migrate` "
                f"({len(result.pending_migrations)} migration(s) to apply)"
            )


def _local(moment: str) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M:%S %Z")
    except ValueError:
        return moment
