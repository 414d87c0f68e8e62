"""Build the reduced CJK font PDFs use (settings.DATA_DIR/fonts); a no-op when it is already there."""

from django.core.management.base import BaseCommand, CommandError

from gradadmit.core import pdf


class Command(BaseCommand):
    help = "Prepare the Big5 + Latin subset of Noto Sans CJK TC used by PDF rendering (built on first use otherwise)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if the font files exist.")

    def handle(self, *args, force=False, **options):
        built = []
        try:
            paths = pdf.prepare_fonts(force=force, built=built)
        except pdf.PDFFontError as error:
            raise CommandError(f"{error}. PDFs still render with the system fonts, more slowly.") from error
        for font in built:
            self.stdout.write(f"built {font.path} ({font.size / 1e6:.1f} MB) in {font.seconds:.2f} s")
        if not built:
            self.stdout.write("already prepared: " + ", ".join(str(path) for path in paths.values()))
