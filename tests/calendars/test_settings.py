"""The calendar feed's card in Settings: made, shown and revoked with plain forms (no JavaScript needed)."""

from __future__ import annotations

import re

from calendars.models import CalendarFeed


def shown_url(client) -> str | None:
    body = client.get("/settings/").content.decode()
    assert 'id="calendar-heading"' in body
    found = re.search(r'id="calendar-url" type="text" readonly value="([^"]+)"', body)
    return found.group(1) if found else None


def test_it_offers_a_feed_to_someone_without_one(client, owner):
    client.force_login(owner)
    assert shown_url(client) is None
    assert "Make a calendar address" in client.get("/settings/").content.decode()


def test_making_one_shows_its_address_in_a_readonly_field_and_it_works(client, owner):
    client.force_login(owner)
    response = client.post("/settings/calendar/", {"feed": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/settings/#calendar"
    feed = CalendarFeed.objects.get(user=owner)
    url = shown_url(client)
    assert url == f"http://testserver/calendar/{feed.token}.ics"
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"' in client.get("/settings/").content.decode()
    assert client.get(url).status_code == 200


def test_making_it_twice_keeps_the_same_address(client, owner):
    client.force_login(owner)
    client.post("/settings/calendar/", {"feed": "on"})
    first = shown_url(client)
    client.post("/settings/calendar/", {"feed": "on"})
    assert shown_url(client) == first
    assert CalendarFeed.objects.count() == 1


def test_revoking_it_kills_the_address_at_once(client, owner):
    client.force_login(owner)
    client.post("/settings/calendar/", {"feed": "on"})
    url = shown_url(client)
    response = client.post("/settings/calendar/", {"feed": "off"}, follow=True)
    assert "its address no longer works" in response.content.decode()
    assert shown_url(client) is None
    assert client.get(url).status_code == 404


def test_nobody_else_sees_or_revokes_my_feed(client, owner, other, feed):
    client.force_login(other)
    assert shown_url(client) is None
    client.post("/settings/calendar/", {"feed": "off"})
    assert CalendarFeed.objects.filter(user=owner).exists()


def test_a_visitor_is_sent_to_sign_in(client, owner):
    response = client.post("/settings/calendar/", {"feed": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CalendarFeed.objects.exists()
