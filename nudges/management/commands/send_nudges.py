"""Run one nudge scan by hand, printing what is (or, with --dry-run, would be) sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from nudges import delivery, scan


class Command(BaseCommand):
    help = "Run one reminder-nudge scan now, in this process; --dry-run only prints what is due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; claim and send nothing.")
        parser.add_argument("--user", metavar="EMAIL", help="Only this user (ignores their next-check time).")

    def handle(self, *args: Any, dry_run: bool = False, user: str | None = None, **options: Any) -> None:
        now = timezone.now()
        only = None
        if user:
            only = User.objects.filter(email__iexact=user).first()
            if only is None:
                raise CommandError(f"No user with the email {user!r}.")
        total = 0
        for ids in scan.batches(now, user_id=only.pk if only else None):
            if dry_run:
                for person in User.objects.filter(pk__in=ids).order_by("pk"):
                    for nudge, channels in delivery.preview(person, now):
                        total += 1
                        self.stdout.write(
                            f"would send {nudge.rule} to {person.email} by {', '.join(channels)}: {nudge.title}"
                        )
                continue
            outcome = delivery.process_users(ids, now)
            for sent in outcome.sent:
                total += 1
                self.stdout.write(
                    f"sent {sent.rule} to {sent.user.email} by {sent.channel}: {sent.payload.get('title')}"
                )
            for failed in outcome.failed:
                self.stdout.write(f"failed {failed.rule} to {failed.user.email} by {failed.channel}")
            if outcome.retry_user_ids:
                self.stdout.write(
                    f"{len(outcome.retry_user_ids)} user(s) hit a transient error; the next scan retries."
                )
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{total} nudge(s) {verb}."))
