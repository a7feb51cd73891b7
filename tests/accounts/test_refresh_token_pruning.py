"""API refresh tokens that can never be used again are forgotten daily, and no revocation is undone by it.

simplejwt records every refresh token it issues and every one it revokes,
and keeps both for ever; a deleted account's rows stay too, their user set
to NULL. ``accounts.tasks.prune_refresh_tokens`` deletes the expired ones and
those of deleted accounts (with their revocations), and a data migration
schedules it daily in beat.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import tasks
from accounts.tasks import prune_refresh_tokens
from careerplan.celery import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFRESH = "/api/v1/auth/token/refresh/"
ISSUED = datetime(2026, 1, 5, 9, tzinfo=UTC)
LIFETIME = api_settings.REFRESH_TOKEN_LIFETIME


def issue(user, revoked=False) -> str:
    """A refresh token for ``user``, recorded as simplejwt records it; revoked as a logout revokes it."""
    token = RefreshToken.for_user(user)
    if revoked:
        token.blacklist()
    return str(token)


def test_it_forgets_expired_tokens_and_their_revocations(owner):
    """Past their lifetime a token and its revocation go; a token issued since stays."""
    with time_machine.travel(ISSUED, tick=False):
        issue(owner)
        issue(owner, revoked=True)
    with time_machine.travel(ISSUED + LIFETIME + timedelta(seconds=1), tick=False):
        fresh = issue(owner)
        assert prune_refresh_tokens() == 2
    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [fresh]
    assert not BlacklistedToken.objects.exists()


def test_it_forgets_the_tokens_of_a_deleted_account_which_stay_refused(anon, owner, other):
    """A deleted account's rows (user NULL) go at once, unexpired or not, and its token is still refused."""
    left_behind = issue(owner)
    issue(owner, revoked=True)
    kept = issue(other)
    owner.delete()
    assert OutstandingToken.objects.filter(user__isnull=True).count() == 2  # what used to pile up

    assert prune_refresh_tokens() == 2
    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [kept]
    assert not BlacklistedToken.objects.exists()
    response = anon.post(REFRESH, {"refresh": left_behind}, format="json")
    assert response.status_code == 401


def test_a_revoked_token_within_its_lifetime_is_kept_and_stays_refused(anon, owner):
    """The blacklist is what refuses a logged-out token: its row must outlive the pruning."""
    with time_machine.travel(ISSUED, tick=False):
        revoked = issue(owner, revoked=True)
    with time_machine.travel(ISSUED + LIFETIME - timedelta(minutes=1), tick=False):
        assert prune_refresh_tokens() == 0
        assert BlacklistedToken.objects.filter(token__token=revoked).exists()
        response = anon.post(REFRESH, {"refresh": revoked}, format="json")
    assert response.status_code == 401


def test_a_long_grown_table_is_pruned_in_slices_and_a_second_run_finds_nothing(owner, monkeypatch):
    """Every unusable row goes whatever the slice size; running again deletes nothing more."""
    monkeypatch.setattr(tasks, "BATCH_SIZE", 3)
    with time_machine.travel(ISSUED, tick=False):
        for n in range(7):
            issue(owner, revoked=n % 2 == 0)
    gone = UserFactory()
    issue(gone)
    gone.delete()
    with time_machine.travel(ISSUED + LIFETIME + timedelta(days=1), tick=False):
        live = issue(owner)
        assert prune_refresh_tokens() == 8
        assert prune_refresh_tokens() == 0
    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [live]


def test_the_migration_schedules_the_daily_pruning_under_a_name_the_worker_knows():
    """Beat stores the task's name: it must be registered, enabled and run once a day."""
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="accounts.tasks.prune_refresh_tokens")
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "days", True)
    app.loader.import_default_modules()
    assert "accounts.tasks.prune_refresh_tokens" in app.tasks
    assert app.tasks["accounts.tasks.prune_refresh_tokens"].acks_late
