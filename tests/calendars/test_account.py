"""The feed in a person's data export (never its token), and gone with the account."""

from __future__ import annotations

from datetime import date

from accounts.export import export_user_data
from calendars.models import CalendarFeed, EventRevision


def test_the_export_says_whether_there_is_a_feed_but_never_its_token(owner, feed):
    exported = export_user_data(owner)["calendar_feed"]
    assert exported == {"subscribed": True, "created_at": feed.created_at.isoformat()}
    assert feed.token not in str(export_user_data(owner))


def test_the_export_says_so_without_one(owner):
    assert export_user_data(owner)["calendar_feed"] == {"subscribed": False, "created_at": None}


def test_the_api_export_has_it_too_without_the_token(api, feed):
    response = api.get("/api/v1/me/export/")
    assert response.json()["calendar_feed"]["subscribed"] is True
    assert feed.token not in response.content.decode()


def test_deleting_the_account_deletes_the_feed_and_its_revisions(client, owner, other, feed, plan):
    CalendarFeed.objects.open(other)
    plan.target_date = date(2027, 6, 1)
    plan.save()
    client.get(f"/calendar/{feed.token}.ics")
    assert EventRevision.objects.filter(user=owner).exists()
    owner.delete()
    assert list(CalendarFeed.objects.values_list("user", flat=True)) == [other.pk]
    assert not EventRevision.objects.exists()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
