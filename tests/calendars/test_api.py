"""GET, POST and DELETE /api/v1/calendar/: the feed's address for the mobile app."""

from __future__ import annotations

from calendars.models import CalendarFeed


def test_it_answers_null_without_a_feed(api):
    response = api.get("/api/v1/calendar/")
    assert response.status_code == 200
    assert response.json() == {"url": None}


def test_post_makes_one_then_answers_the_same(api, owner, anon):
    made = api.post("/api/v1/calendar/")
    assert made.status_code == 201
    feed = CalendarFeed.objects.get(user=owner)
    assert made.json() == {"url": f"http://testserver/calendar/{feed.token}.ics"}
    again = api.post("/api/v1/calendar/")
    assert again.status_code == 200
    assert again.json() == made.json()
    assert api.get("/api/v1/calendar/").json() == made.json()
    assert anon.get(made.json()["url"]).status_code == 200


def test_delete_revokes_it_at_once(api, owner, anon):
    url = api.post("/api/v1/calendar/").json()["url"]
    assert api.delete("/api/v1/calendar/").status_code == 204
    assert anon.get(url).status_code == 404
    assert api.get("/api/v1/calendar/").json() == {"url": None}
    assert api.delete("/api/v1/calendar/").status_code == 204  # nothing left to revoke: the same answer
    assert api.post("/api/v1/calendar/").json()["url"] != url


def test_each_person_sees_and_revokes_only_their_own(api, other_api, owner, feed):
    assert other_api.get("/api/v1/calendar/").json() == {"url": None}
    assert other_api.delete("/api/v1/calendar/").status_code == 204
    assert CalendarFeed.objects.filter(user=owner).exists()


def test_it_needs_a_signed_in_caller(anon):
    assert anon.get("/api/v1/calendar/").status_code == 401
    assert anon.post("/api/v1/calendar/").status_code == 401
