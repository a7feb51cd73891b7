from datetime import UTC, datetime

from nudges.models import Notification


def test_marking_one_read_keeps_the_first_time(owner):
    note = Notification.objects.create(user=owner, rule="stalled", title="Keep going")
    first = datetime(2026, 1, 1, tzinfo=UTC)
    note.mark_read(now=first)
    note.mark_read(now=datetime(2026, 2, 1, tzinfo=UTC))
    note.refresh_from_db()
    assert note.read_at == first


def test_marking_all_read_touches_only_unread_and_reports_how_many(owner, other):
    read_before = datetime(2026, 1, 1, tzinfo=UTC)
    Notification.objects.create(user=owner, rule="stalled", title="old", read_at=read_before)
    Notification.objects.bulk_create([Notification(user=owner, rule="digest", title=str(i)) for i in range(3)])
    theirs = Notification.objects.create(user=other, rule="digest", title="theirs")

    assert Notification.objects.filter(user=owner).mark_read() == 3
    assert Notification.objects.filter(user=owner).unread().count() == 0
    assert Notification.objects.get(title="old").read_at == read_before
    theirs.refresh_from_db()
    assert theirs.read_at is None
