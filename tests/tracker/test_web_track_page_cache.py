"""A track page's main region is cached under the catalogue's stamp; the enroll box is the asker's own.

An editor's change shows at once; a visitor who follows the track sees "Open
my plan" even when the region was first rendered for someone signed out, and
the enroll form carries the token of the browser that asked.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tracker.models import CareerTrack, Enrollment, Milestone

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGE = "/tracks/data-engineer/"

pytestmark = pytest.mark.django_db


def test_a_second_signed_out_visit_renders_the_page_from_the_cache(seeded):
    visitor = Client()
    with CaptureQueriesContext(connection) as first:
        assert visitor.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as second:
        again = visitor.get(PAGE)
    assert again.status_code == 200
    assert len(second.captured_queries) == 0 < len(first.captured_queries), second.captured_queries
    assert "Enroll in Data Engineer" in again.content.decode()
    assert "placeholder" not in again.content.decode()


def test_an_editors_change_shows_at_once(seeded):
    visitor = Client()
    assert "Enroll in Data Engineer" in visitor.get(PAGE).content.decode()
    milestone = Milestone.objects.filter(steps__track__slug="data-engineer").first()
    milestone.title = "A title an editor just wrote"
    milestone.save()
    assert "A title an editor just wrote" in visitor.get(PAGE).content.decode()


def test_a_follower_sees_their_plan_where_a_visitor_sees_enroll(seeded, owner):
    Client().get(PAGE)  # the region is cached for someone signed out first
    enrollment, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    follower = Client()
    follower.force_login(owner)
    page = follower.get(PAGE).content.decode()
    assert "You follow this track." in page
    assert f'href="/plans/{enrollment.pk}/"' in page
    assert "Enroll in Data Engineer" not in page


def test_each_browser_gets_its_own_token_and_the_enroll_form_posts(seeded, other):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(PAGE)
    second.force_login(other)
    page = second.get(PAGE).content.decode()  # the region from the cache
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 1
    response = second.post("/tracks/data-engineer/enroll/", {"csrfmiddlewaretoken": tokens[-1]})
    assert response.status_code in {200, 302}, response.content[:500]
    assert Enrollment.objects.filter(user=other, track__slug="data-engineer").exists()


def test_an_unknown_track_is_not_found_and_not_cached(seeded):
    assert Client().get("/tracks/no-such-track/").status_code == 404
    assert Client().get("/tracks/no-such-track/").status_code == 404
