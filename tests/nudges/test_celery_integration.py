"""End to end on real servers: Redis broker, a Celery worker, and SMTP on localhost (aiosmtpd)."""

import gc
import time
from datetime import UTC, datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from careerplan.celery import app
from nudges.models import Channel, Delivery, DeliveryStatus, Notification
from nudges.tasks import scan_nudges, send_nudge_batch
from tests.factories import UserFactory

from .conftest import make_plan, prefs_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def forget_connections():
    """Drop the app's cached producer pool and result backend, which keep the URLs they were made with."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_on_redis(redis_url):
    keys = ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
    previous = {k: app.conf[k] for k in keys}
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 60},
    )
    forget_connections()
    try:
        yield app
    finally:
        # Finished results unsubscribe from Redis when collected: do it while Redis is up.
        gc.collect()
        app.conf.update(previous)
        forget_connections()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    settings.NUDGE_RETRY_MAX_DELAY = 2
    return smtp_server


def stalled_users(count):
    """Users whose plans stalled (enrolled 10 days ago, nothing since), with no quiet hours."""
    users = []
    for i in range(count):
        user = UserFactory(email=f"due{i}@example.com", timezone="Europe/London")
        make_plan(user, started=timezone.now() - timedelta(days=10))
        prefs_for(user, quiet_start=datetime.min.time(), quiet_end=datetime.min.time(), digest_enabled=False)
        users.append(user)
    return users


def recipients(messages):
    return sorted(m["To"] for m in messages)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_one_scan_sends_one_email_per_due_user_and_a_second_sends_none(celery_on_redis, smtp_settings):
    users = stalled_users(3)
    UserFactory(email="not-enrolled@example.com")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert scan_nudges.delay().get(timeout=30) == 1
        messages = smtp_settings.wait_for(3)
        assert recipients(messages) == sorted(u.email for u in users)
        assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in messages)
        scan_nudges.delay().get(timeout=30)
        # Even a batch forced over the same users finds everything claimed or sent.
        assert send_nudge_batch.delay([u.pk for u in users]).get(timeout=30) == 0
    assert len(smtp_settings.messages) == 3
    assert Notification.objects.count() == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_with_smtp_down_deliveries_are_retried_and_arrive_once_it_is_back(celery_on_redis, smtp_settings):
    users = stalled_users(2)
    smtp_settings.stop()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        scan_nudges.delay().get(timeout=30)
        assert wait_until(
            lambda: Delivery.objects.filter(channel=Channel.EMAIL, last_error__contains="Error").count() == 2
        )
        assert Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT).count() == 0
        smtp_settings.start()
        messages = smtp_settings.wait_for(2)
        assert wait_until(
            lambda: Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT).count() == 2
        )
        time.sleep(3)  # any stray retry would land now
    assert recipients(smtp_settings.messages) == sorted(u.email for u in users)
    assert recipients(messages) == sorted(u.email for u in users)
    attempts = list(Delivery.objects.filter(channel=Channel.EMAIL).values_list("attempts", flat=True))
    assert all(a >= 2 for a in attempts)
    assert Notification.objects.count() == 2


def test_progress_updates_never_depend_on_the_broker(settings, owner):
    """With Redis down, marking a level done still succeeds; nothing is queued that cannot be found later."""
    from localservers import free_port
    from nudges import delivery
    from nudges import receivers as _receivers  # noqa: F401
    from tracker.models import MilestoneProgress, Status

    plan = make_plan(owner, started=datetime.now(UTC) - timedelta(days=2))
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    forget_connections()
    try:
        started = time.monotonic()
        MilestoneProgress.objects.set_status(owner, plan.python, Status.DONE, track=plan.track)
        MilestoneProgress.objects.set_status(owner, plan.sql, Status.DONE, track=plan.track)
        assert time.monotonic() - started < 10
    finally:
        app.conf.broker_url = previous
        forget_connections()
    assert MilestoneProgress.objects.filter(user=owner, status=Status.DONE).count() == 2
    delivery.process_users([owner.pk])
    assert Notification.objects.filter(user=owner, title="You reached Junior ML Engineer!").count() == 1


def test_a_completed_level_is_celebrated_through_the_real_broker(celery_on_redis, smtp_settings, owner):
    from nudges import receivers as _receivers  # noqa: F401
    from tracker.models import MilestoneProgress, Status

    plan = make_plan(owner, started=datetime.now(UTC) - timedelta(days=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        MilestoneProgress.objects.set_status(owner, plan.python, Status.DONE, track=plan.track)
        MilestoneProgress.objects.set_status(owner, plan.sql, Status.DONE, track=plan.track)
        [message] = smtp_settings.wait_for(1)
        time.sleep(1)
    assert message["Subject"] == "You reached Junior ML Engineer!"
    assert len(smtp_settings.messages) == 1
