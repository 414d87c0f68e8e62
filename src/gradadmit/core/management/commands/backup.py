"""Write one backup archive: database snapshot, every stored file, manifest with checksums (see core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from gradadmit.core.backup import BackupError, create_backup, human_size


class Command(BaseCommand):
    help = (
        "Back up the database and every stored file into one .tar.gz with a manifest of SHA-256 checksums. "
        "The archive holds personal data: keep it encrypted and off-site."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive file to write, or an existing folder to write it into "
            "(default: gradadmit-backup-<date>-<time>.tar.gz in the current folder).",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = create_backup(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in result.skipped:
            self.stderr.write(f"skipped {name}: deleted while the backup ran")
        self.stdout.write(
            f"wrote {result.path} ({human_size(result.archive_bytes)}): {result.vendor} database, "
            f"{result.files} file(s) ({human_size(result.file_bytes)})"
        )
