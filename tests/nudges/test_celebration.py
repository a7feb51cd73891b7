"""Celebrations: enqueued after the progress change commits, sent once, never failing the request."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from nudges import delivery
from nudges import receivers as _receivers  # noqa: F401  (connects the receiver)
from nudges.models import Delivery, Notification, Rule
from tracker.models import EnrollmentStatus, MilestoneProgress, Status

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def finish_level(user, plan):
    MilestoneProgress.objects.set_status(user, plan.python, Status.DONE, track=plan.track)
    MilestoneProgress.objects.set_status(user, plan.sql, Status.DONE, track=plan.track)


def test_completing_a_level_sends_one_celebration_after_commit(learner, eager, django_capture_on_commit_callbacks):
    plan = make_plan(learner, started=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        finish_level(learner, plan)
    assert [n.title for n in Notification.objects.filter(rule=Rule.CELEBRATION)] == ["You reached Junior ML Engineer!"]
    assert [m.subject for m in mail.outbox] == ["You reached Junior ML Engineer!"]
    # Marking something else done later celebrates nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        MilestoneProgress.objects.set_status(learner, plan.sql, Status.IN_PROGRESS)
        MilestoneProgress.objects.set_status(learner, plan.sql, Status.DONE)
    assert Notification.objects.filter(rule=Rule.CELEBRATION).count() == 1


def test_completing_a_track_celebrates_it_and_completes_the_enrollment(
    learner, eager, django_capture_on_commit_callbacks
):
    plan = make_plan(learner, started=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        finish_level(learner, plan)
        MilestoneProgress.objects.set_status(learner, plan.cert, Status.DONE, track=plan.track)
    assert Notification.objects.filter(title=f"You completed {plan.track.name}!").count() == 1
    plan.enrollment.refresh_from_db()
    assert plan.enrollment.status == EnrollmentStatus.COMPLETED


def test_a_track_completed_by_the_celebration_shows_on_the_cached_dashboard(
    learner, eager, django_capture_on_commit_callbacks
):
    """The enrollment is completed with a bulk update, which renews the owner's cached dashboard itself."""
    from tests.api_clients import client_for

    plan = make_plan(learner, started=timezone.now() - timedelta(days=3))
    api = client_for(learner)
    with django_capture_on_commit_callbacks(execute=True):
        finish_level(learner, plan)
        MilestoneProgress.objects.set_status(learner, plan.cert, Status.DONE, track=plan.track)
        # Read (and cache) the dashboard after the last change, before the celebration completes the track.
        assert api.get("/api/v1/dashboard/").json()["enrollments"][0]["status"] == EnrollmentStatus.ACTIVE
    assert api.get("/api/v1/dashboard/").json()["enrollments"][0]["status"] == EnrollmentStatus.COMPLETED


def test_a_rolled_back_change_enqueues_nothing(learner, monkeypatch, django_capture_on_commit_callbacks):
    plan = make_plan(learner, started=timezone.now() - timedelta(days=3))
    calls = []
    monkeypatch.setattr("nudges.tasks.celebrate.apply_async", lambda *a, **k: calls.append(a))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                finish_level(learner, plan)
                raise RuntimeError("the request failed after the change")
        except RuntimeError:
            pass
    assert callbacks == []
    assert calls == []
    assert not MilestoneProgress.objects.filter(status=Status.DONE).exists()


def test_with_the_broker_down_the_change_succeeds_and_the_next_scan_celebrates(
    learner, monkeypatch, django_capture_on_commit_callbacks
):
    plan = make_plan(learner, started=timezone.now() - timedelta(days=3))

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("nudges.tasks.celebrate.apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        finish_level(learner, plan)
    assert MilestoneProgress.objects.filter(status=Status.DONE).count() == 2
    assert not Delivery.objects.exists()
    delivery.process_users([learner.pk])
    assert Notification.objects.filter(rule=Rule.CELEBRATION).count() == 1
