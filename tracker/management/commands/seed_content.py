"""Load the seed content (fixtures/careerplan.json) without undoing editors' work."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.models import CareerTrack


class Command(BaseCommand):
    help = (
        "Load the seed tracks, levels and milestones into an empty catalogue. "
        "When content exists it does nothing, so editors' changes survive `make run`; "
        "--update reloads the seed over it (matching rows by slug)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--update", action="store_true", help="Overwrite existing seeded rows with the seed.")

    def handle(self, *args: Any, update: bool = False, **options: Any) -> None:
        if CareerTrack.objects.exists() and not update:
            self.stdout.write("Content already present; leaving it as editors left it (use --update to reload).")
            return
        # Natural keys make this idempotent: loading twice matches rows by slug.
        call_command("loaddata", "careerplan", verbosity=options.get("verbosity", 1))
