"""The notifications inbox: list, unread count in the header, mark read, mark all read."""

from django.utils import timezone

from nudges.models import Notification, Rule


def note(user, title="Your plan is waiting", **extra):
    return Notification.objects.create(user=user, rule=Rule.STALLED, title=title, url="/dashboard/", **extra)


def test_the_header_shows_the_unread_count(client, owner):
    note(owner)
    note(owner)
    note(owner, read_at=timezone.now())
    client.force_login(owner)
    assert '<span class="count" aria-label="2 unread">2</span>' in client.get("/tracks/").content.decode()


def test_the_inbox_lists_only_my_notifications(client, owner, other):
    note(owner, title="Mine")
    note(other, title="Not mine")
    client.force_login(owner)
    body = client.get("/inbox/").content.decode()
    assert "Mine" in body
    assert "Not mine" not in body


def test_mark_read_marks_one_and_with_htmx_updates_the_badge(client, owner):
    first, second = note(owner), note(owner)
    client.force_login(owner)
    response = client.post(f"/inbox/{first.pk}/read/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert f'id="n-{first.pk}"' in body
    assert 'id="inbox-link" hx-swap-oob="true"' in body
    assert 'aria-label="1 unread"' in body
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_mark_read_without_javascript_redirects_to_the_inbox(client, owner):
    n = note(owner)
    client.force_login(owner)
    assert client.post(f"/inbox/{n.pk}/read/")["Location"] == "/inbox/"


def test_mark_all_read_leaves_nothing_unread_and_touches_only_mine(client, owner, other):
    note(owner)
    note(owner)
    theirs = note(other)
    client.force_login(owner)
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=owner).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_is_a_404(client, owner, other):
    theirs = note(other)
    client.force_login(owner)
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
