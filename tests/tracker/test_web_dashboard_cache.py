"""The dashboard page's main region is cached per person, under the stamps the API's dashboard uses.

A change to the plan, a new name or a new day shows at once; the forms in a
cached page carry the token of the browser that asked, not the one it was
first rendered for.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, Status

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def browser(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def plan(seeded, owner):
    enrollment, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    return enrollment


def test_a_second_visit_renders_the_region_from_the_cache(plan, owner):
    laptop = browser(owner)
    with CaptureQueriesContext(connection) as first:
        assert laptop.get("/dashboard/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert laptop.get("/dashboard/").status_code == 200
    # Left: the session, the person and the inbox count of the layout around the cached region.
    assert len(second.captured_queries) <= 3 < len(first.captured_queries), second.captured_queries


def test_a_change_to_the_plan_shows_at_once(plan, owner):
    laptop = browser(owner)
    assert "0</span> milestones earned" in laptop.get("/dashboard/").content.decode()
    programming = Milestone.objects.get(slug="skill-programming")
    MilestoneProgress.objects.set_status(owner, programming, Status.DONE, track=plan.track)
    assert "1</span> milestone earned" in laptop.get("/dashboard/").content.decode()


def test_a_new_name_shows_at_once(plan, owner):
    laptop = browser(owner)
    assert "Hello, Olive Owner" in laptop.get("/dashboard/").content.decode()
    owner.display_name = "Olive Renamed"
    owner.save()
    assert "Hello, Olive Renamed" in laptop.get("/dashboard/").content.decode()


def test_each_browser_gets_its_own_token_and_its_forms_post(plan, owner, other):
    laptop, phone = browser(owner), browser(owner)
    laptop_page = laptop.get("/dashboard/").content.decode()
    phone_page = phone.get("/dashboard/").content.decode()  # from the cache
    laptop_tokens, phone_tokens = set(TOKEN.findall(laptop_page)), set(TOKEN.findall(phone_page))
    assert laptop_tokens
    assert phone_tokens
    assert "placeholder" not in phone_page
    programming = Milestone.objects.get(slug="skill-programming")
    form = f"/plans/{plan.pk}/milestones/{programming.slug}/status/"
    if form not in phone_page:  # the first "Mark done" form on the page, whichever milestone it is
        form = re.search(r'action="(/plans/\d+/milestones/[^"]+/status/)"', phone_page).group(1)
    response = phone.post(form, {"status": "done", "back": "dashboard", "csrfmiddlewaretoken": phone_tokens.pop()})
    assert response.status_code in {200, 302}, response.content[:500]
    # Another person's dashboard is their own, not the owner's cached one.
    assert "Hello, Oscar Other" in browser(other).get("/dashboard/").content.decode()
