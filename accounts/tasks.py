"""The accounts' housekeeping, run by beat. Safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

# Rows deleted per round: the cascades from OutstandingToken make Django load
# the rows it deletes, so a first run over a long-grown table goes in slices.
BATCH_SIZE = 5000


@shared_task(name="accounts.tasks.prune_refresh_tokens", acks_late=True)
def prune_refresh_tokens() -> int:
    """Forget the API refresh tokens that can never be used again, with their revocations; returns how many.

    simplejwt records every refresh token it issues (``OutstandingToken``) and
    every one revoked (``BlacklistedToken``), and keeps both for ever. Two
    kinds can go: expired ones (the signature check refuses them before the
    blacklist is read, which simplejwt's ``flushexpiredtokens`` relies on too)
    and those of deleted accounts (deletion sets ``user`` to NULL; a refresh
    refuses a token whose account is gone, see ``accounts.api.serializers``,
    and user ids are never reused). Rows that point at these, revocations and
    token families, go with them. Neither column is indexed: the table holds
    about one refresh lifetime of tokens once pruned daily, so a scan is cheap.
    """
    unusable = OutstandingToken.objects.filter(Q(expires_at__lte=timezone.now()) | Q(user__isnull=True)).order_by()
    forgotten = 0
    while batch := list(unusable.values_list("pk", flat=True)[:BATCH_SIZE]):
        OutstandingToken.objects.filter(pk__in=batch).delete()
        forgotten += len(batch)
    return forgotten
