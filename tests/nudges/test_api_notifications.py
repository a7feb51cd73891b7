"""Notifications: the inbox, unread filter, marking one or all read."""

import pytest

from nudges.models import Notification


@pytest.fixture
def inbox(owner, other):
    older = Notification.objects.create(user=owner, rule="digest", title="Your week")
    newer = Notification.objects.create(user=owner, rule="overdue", title="Overdue")
    Notification.objects.create(user=other, rule="digest", title="Not yours")
    return older, newer


@pytest.mark.django_db
def test_it_lists_my_notifications_newest_first_and_filters_unread(api, inbox):
    older, newer = inbox
    assert [n["id"] for n in api.get("/api/v1/notifications/").data["results"]] == [newer.pk, older.pk]
    assert api.post(f"/api/v1/notifications/{older.pk}/read/").status_code == 200
    assert [n["id"] for n in api.get("/api/v1/notifications/?unread=true").data["results"]] == [newer.pk]
    assert [n["id"] for n in api.get("/api/v1/notifications/?unread=false").data["results"]] == [older.pk]
    assert api.get("/api/v1/notifications/?unread=maybe").status_code == 400


@pytest.mark.django_db
def test_reading_twice_keeps_the_first_time(api, inbox):
    older, _ = inbox
    first = api.post(f"/api/v1/notifications/{older.pk}/read/").data["read_at"]
    assert api.post(f"/api/v1/notifications/{older.pk}/read/").data["read_at"] == first


@pytest.mark.django_db
def test_read_all_marks_only_mine(api, inbox, other):
    response = api.post("/api/v1/notifications/read-all/")
    assert response.data == {"marked_read": 2}
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
