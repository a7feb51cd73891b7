"""Who may open which page: owner, another user, anonymous visitor, staff.

A person sees and changes only their own plans: another user's plan is a 404,
for staff too (the admin is where staff look at data). Anonymous visitors are
sent to log in.
"""

import pytest

from tracker.models import CareerTrack, Enrollment, MilestoneProgress

PUBLIC = ["/", "/tracks/", "/tracks/data-engineer/", "/quiz/"]
SIGNED_IN = ["/dashboard/", "/inbox/", "/settings/", "/settings/delete/", "/settings/export/"]


@pytest.fixture
def plan(seeded, owner):
    return Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))[0]


def plan_urls(plan):
    base = f"/plans/{plan.pk}"
    return {
        f"{base}/": "get",
        f"{base}/milestones/skill-programming/status/": "post",
        f"{base}/milestones/skill-programming/details/": "post",
        f"{base}/plan-dates/": "post",
        f"{base}/share/": "post",
    }


def _data(url):
    if url.endswith("status/"):
        return {"status": "done"}
    if url.endswith("share/"):
        return {"share": "on"}
    if url.endswith("plan-dates/"):
        return {"target_date": "2040-01-01"}
    return {}


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize("who", ["anonymous", "owner", "staff"])
def test_public_pages_open_for_everyone(client, seeded, owner, staff, url, who):
    if who != "anonymous":
        client.force_login({"owner": owner, "staff": staff}[who])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_pages_send_anonymous_visitors_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")


@pytest.mark.parametrize("url", SIGNED_IN)
@pytest.mark.parametrize("who", ["owner", "staff"])
def test_signed_in_pages_open_for_any_signed_in_user(client, owner, staff, url, who):
    client.force_login({"owner": owner, "staff": staff}[who])
    assert client.get(url).status_code == 200


def test_the_owner_can_use_every_plan_url(client, plan, owner):
    client.force_login(owner)
    for url, method in plan_urls(plan).items():
        response = getattr(client, method)(url, _data(url))
        assert response.status_code in (200, 302), url


@pytest.mark.parametrize("who", ["other", "staff"])
def test_someone_elses_plan_is_a_404_and_nothing_changes(client, plan, owner, other, staff, who):
    client.force_login({"other": other, "staff": staff}[who])
    for url, method in plan_urls(plan).items():
        assert getattr(client, method)(url, _data(url)).status_code == 404, url
    plan.refresh_from_db()
    assert plan.share_token is None
    assert plan.target_date is None
    assert not MilestoneProgress.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_from_plan_urls(client, plan):
    for url, method in plan_urls(plan).items():
        response = getattr(client, method)(url, _data(url))
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_plan_changes_need_post(client, plan, owner):
    client.force_login(owner)
    for url, method in plan_urls(plan).items():
        if method == "post":
            assert client.get(url).status_code == 405, url


def test_an_archived_plan_is_gone_from_the_web(client, plan, owner):
    plan.status = "archived"
    plan.save()
    client.force_login(owner)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404


def test_forms_are_csrf_protected(plan, owner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(f"/plans/{plan.pk}/share/", {"share": "on"}).status_code == 403
    assert strict.post("/settings/delete/", {"password": "x"}).status_code == 403
