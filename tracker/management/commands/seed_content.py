"""Load the seed content (fixtures/careerplan.json) without undoing editors' work."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.content_io import ContentImportError, import_content
from tracker.models import CareerTrack


def seed_file() -> Path:
    """The seed: the same fixture ``loaddata careerplan`` finds."""
    return Path(settings.BASE_DIR) / "fixtures" / "careerplan.json"


class Command(BaseCommand):
    help = (
        "Load the seed tracks, levels, choice groups, milestones, resources and default checklist items into an "
        "empty catalogue. When content exists it does nothing, so editors' changes survive `make run`. "
        "--update reloads the seed over existing content: rows are matched by natural key (slugs), those the seed "
        "says differently are rewritten and those it lacks are created. Nothing is deleted: a level, step, "
        "resource, choice group or default checklist item the seed does not list (an editor's addition, or one "
        "the seed has dropped) stays as it is; remove it in the admin. People's own checklist items, their ticks "
        "and their progress are never touched. Reloading an unchanged seed writes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--update", action="store_true", help="Overwrite existing seeded rows with the seed.")

    def handle(self, *args: Any, update: bool = False, **options: Any) -> None:
        if CareerTrack.objects.exists() and not update:
            self.stdout.write("Content already present; leaving it as editors left it (use --update to reload).")
            return
        # The admin's import, matching rows by natural key and skipping those
        # already equal, so a second run changes nothing (not even updated_at);
        # without mirroring, as the seed never knows what editors added.
        try:
            result = import_content(seed_file().read_bytes(), mirror=False)
        except ContentImportError as exc:
            raise CommandError(f"The seed could not be loaded: {exc}") from exc
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(result.summary())
