"""Re-checking on a schedule: beat's entry, the task over ids, and the person told once when a badge goes bad."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from credentials import notify, proof, tasks
from credentials.models import Badge, BadgeState
from nudges.models import Delivery, Notification, ReminderPreferences


@pytest.fixture
def verified_badge(owner, plan, milestone, issuer):
    badge = proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    assert badge.state == BadgeState.VERIFIED, badge.problem
    # Checked a day and more ago: due again.
    Badge.objects.filter(pk=badge.pk).update(
        attempted_at=timezone.now() - timedelta(hours=25), checked_at=timezone.now() - timedelta(hours=25)
    )
    return Badge.objects.get(pk=badge.pk)


def test_a_migration_schedules_the_recheck_hourly(db):
    task = PeriodicTask.objects.get(task="credentials.tasks.recheck_due_badges")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")


def test_a_badge_revoked_since_is_revoked_on_recheck_and_the_person_told_once(verified_badge, issuer, plan):
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", revoked=True, revocationReason="Fraud"))
    assert tasks.recheck_due_badges.apply().get() == 1  # eager here: fans out to recheck_badges
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.REVOKED
    assert verified_badge.problem == "The issuer revoked this badge: Fraud"

    # The same task again, and again while the badge still looks due: nothing new.
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()

    [note] = Notification.objects.filter(user=verified_badge.user)
    assert note.title == "Your badge “Machine Learning Engineer - Associate” was revoked"
    assert "Example ML Academy revoked" in note.body
    assert note.url == f"/plans/{plan.pk}/#m-{verified_badge.milestone.slug}"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == note.title
    assert mail.outbox[0].to == [verified_badge.user.email]
    assert set(Delivery.objects.values_list("channel", "period")) == {
        ("email", f"badge:{verified_badge.pk}:revoked"),
        ("in_app", f"badge:{verified_badge.pk}:revoked"),
    }


def test_a_410_on_recheck_is_revoked_too(verified_badge, issuer):
    issuer.publish("/assertions/valid", {"id": issuer.url("/assertions/valid")}, 410)
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.REVOKED
    assert Notification.objects.count() == 1


def test_two_workers_finding_the_same_news_tell_the_person_once(verified_badge):
    """Both read the badge verified and both saw it revoked: the delivery ledger lets one of them send."""
    verified_badge.state = BadgeState.REVOKED
    verified_badge.save()
    notify.tell_owner(verified_badge)
    notify.tell_owner(verified_badge)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_badge_that_expired_since_tells_the_person(verified_badge, issuer):
    expired = (timezone.now() - timedelta(days=1)).replace(microsecond=0).isoformat()
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", expires=expired))
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.EXPIRED
    [note] = Notification.objects.all()
    assert note.title == "Your badge “Machine Learning Engineer - Associate” has expired"


def test_nothing_is_sent_with_reminders_switched_off(verified_badge, issuer):
    ReminderPreferences.objects.update_or_create(user=verified_badge.user, defaults={"enabled": False})
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", revoked=True))
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.REVOKED
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_only_the_channels_the_person_chose(verified_badge, issuer):
    ReminderPreferences.objects.update_or_create(user=verified_badge.user, defaults={"email_enabled": False})
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", revoked=True))
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_an_issuer_down_for_a_while_leaves_a_verified_badge_verified(verified_badge, issuer):
    issuer.publish("/assertions/valid", {"error": "maintenance"}, 503)
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.VERIFIED
    assert "could not reach the issuer" in verified_badge.problem
    assert timezone.now() - verified_badge.attempted_at < timedelta(minutes=1)
    assert timezone.now() - verified_badge.checked_at > timedelta(hours=24)  # the last real check stays
    assert not Notification.objects.exists()


def test_an_issuer_down_past_the_grace_period_makes_it_unreachable(verified_badge, issuer, settings):
    Badge.objects.filter(pk=verified_badge.pk).update(checked_at=timezone.now() - timedelta(days=8))
    issuer.publish("/assertions/valid", {"error": "gone fishing"}, 503)
    tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get()
    verified_badge.refresh_from_db()
    assert verified_badge.state == BadgeState.UNREACHABLE
    # What it was is still known.
    assert verified_badge.badge_name == "Machine Learning Engineer - Associate"


def test_only_badges_due_are_checked_and_never_a_revoked_one(owner, plan, milestone, issuer):
    fresh = proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    revoked = proof.attach(owner, milestone, url=issuer.url("/assertions/revoked"))
    old = timezone.now() - timedelta(days=3)
    Badge.objects.filter(pk=revoked.pk).update(attempted_at=old)
    assert list(Badge.objects.due_for_recheck(timezone.now())) == []
    Badge.objects.filter(pk=fresh.pk).update(attempted_at=old)
    assert list(Badge.objects.due_for_recheck(timezone.now())) == [fresh]


def test_a_badge_removed_meanwhile_is_skipped(verified_badge):
    verified_badge.delete()
    assert tasks.recheck_badges.apply(args=[[verified_badge.pk]]).get() == 0


def test_a_signed_badge_is_checked_again_from_what_the_image_carried(owner, plan, milestone, issuer):
    from .issuer import png

    token = issuer.signed(id="urn:uuid:aaaaaaaa-0000-0000-0000-000000000001")
    badge = proof.attach(owner, milestone, image=png(baked=token))
    assert badge.state == BadgeState.VERIFIED
    issuer.publish("/revocations", issuer.revocation_list(["urn:uuid:aaaaaaaa-0000-0000-0000-000000000001"]))
    proof.check_again(badge)
    assert badge.state == BadgeState.REVOKED
    assert Notification.objects.count() == 1
