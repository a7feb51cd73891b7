"""Create the demo and admin accounts that `make run` prints."""

from datetime import time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from nudges.models import ReminderPreferences
from tracker.models import CareerTrack, Enrollment, MilestoneProgress, Status, milestone_missing_prerequisites

DEMO_EMAIL = "demo@careerplan.localhost"
DEMO_PASSWORD = "demo-careerplan-2026"
ADMIN_EMAIL = "admin@careerplan.localhost"
ADMIN_PASSWORD = "admin-careerplan-2026"
DEMO_TRACK = "machine-learning-engineer"


class Command(BaseCommand):
    help = "Create a demo user with a started (and stalled) plan, and an admin user. Safe to run twice."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Allow it with DEBUG off.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        # Known passwords are for a laptop only.
        if not settings.DEBUG and not force:
            raise CommandError("bootstrap_demo creates accounts with known passwords; use it with DEBUG on.")
        with transaction.atomic():
            admin = self._user(ADMIN_EMAIL, ADMIN_PASSWORD, display_name="Admin", is_staff=True, is_superuser=True)
            demo = self._user(DEMO_EMAIL, DEMO_PASSWORD, display_name="Dana Demo", timezone="Europe/London")
            # No quiet hours (start == end) for the demo user, so the stalled
            # nudge shows within one beat whatever the time of day you try it.
            ReminderPreferences.objects.update_or_create(
                user=demo, defaults={"quiet_start": time(0, 0), "quiet_end": time(0, 0)}
            )
            self._demo_plan(demo)
        self.stdout.write(self.style.SUCCESS("Demo accounts are ready:"))
        # SITE_URL: where `make run` serves (WEB_PORT), as the nudges' links say.
        self.stdout.write(f"  app:   {settings.SITE_URL}/        {demo.email} / {DEMO_PASSWORD}")
        self.stdout.write(f"  admin: {settings.SITE_URL}/admin/  {admin.email} / {ADMIN_PASSWORD}")

    def _user(self, email: str, password: str, **fields: Any) -> User:
        user, created = User.objects.get_or_create(email=email, defaults=fields)
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        # Sign-in needs a verified address (ACCOUNT_EMAIL_VERIFICATION is
        # mandatory); the demo accounts have no inbox to confirm from.
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def _demo_plan(self, user: User) -> None:
        """Enrol the demo user and back-date a little progress, so the plan looks
        lived-in and is stalled (no progress for over a week): the next beat
        sends it a nudge."""
        try:
            track = CareerTrack.objects.get(slug=DEMO_TRACK)
        except CareerTrack.DoesNotExist:
            raise CommandError("Load the seed content first: manage.py seed_content") from None
        if Enrollment.objects.filter(user=user, track=track).exists():
            return
        started = timezone.now() - timedelta(days=30)
        enrollment, _ = Enrollment.objects.enroll(
            user, track, target_date=(timezone.now() + timedelta(days=365)).date()
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(started_at=started)
        when = started
        for step in track.visible_steps()[:4]:
            # Only steps whose prerequisites are met: the demo obeys the rules.
            if milestone_missing_prerequisites(user, step.milestone):
                continue
            when += timedelta(days=5)
            MilestoneProgress.objects.set_status(user, step.milestone, Status.DONE, track=track, now=when)
