"""'Add to calendar' for one milestone: a single event to import, for the plan's owner only."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from tracker.models import Enrollment, MilestoneProgress


def test_it_downloads_the_target_date_as_a_single_event(client, owner, plan, skill):
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    client.force_login(owner)
    response = client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="python.ics"'
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 1, 15)
    assert str(event["SUMMARY"]) == "Target: Python"
    assert "PRODID" in calendar
    assert "VERSION" in calendar


def test_the_download_and_the_feed_share_the_uid_and_sequence(client, owner, plan, skill, feed):
    """Importing it and subscribing later, or downloading again after a change, updates the one event."""
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    client.force_login(owner)
    [downloaded] = Calendar.from_ical(client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics").content).walk(
        "VEVENT"
    )
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 2, 1))
    [subscribed] = [
        e
        for e in Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").content).walk("VEVENT")
        if e["SUMMARY"] == "Target: Python"
    ]
    assert subscribed["UID"] == downloaded["UID"]
    assert (int(downloaded["SEQUENCE"]), int(subscribed["SEQUENCE"])) == (0, 1)


def test_a_certification_held_downloads_its_expiry(client, owner, plan, certification):
    MilestoneProgress.objects.update_state(owner, certification, status="done", earned_on=date(2026, 3, 2))
    client.force_login(owner)
    response = client.get(f"/plans/{plan.pk}/milestones/aws-ml-engineer-associate/calendar.ics")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2029, 3, 2)
    assert str(event["SUMMARY"]).startswith("Expires:")


def test_a_milestone_without_a_date_is_a_404(client, owner, plan, skill):
    client.force_login(owner)
    assert client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics").status_code == 404


def test_someone_elses_milestone_is_a_404(client, owner, other, plan, skill):
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    client.force_login(other)
    assert client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics").status_code == 404


def test_a_milestone_not_in_the_plan_and_a_plan_left_are_404s(client, owner, plan, skill):
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    client.force_login(owner)
    assert client.get(f"/plans/{plan.pk}/milestones/no-such/calendar.ics").status_code == 404
    Enrollment.objects.filter(pk=plan.pk).update(status="archived")
    assert client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, plan):
    response = client.get(f"/plans/{plan.pk}/milestones/python/calendar.ics")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_plan_page_links_to_it_where_a_milestone_has_a_date(client, owner, plan, skill):
    """Rendered through the include (templates/calendars/includes/milestone_link.html) the panel carries."""
    from django.template.loader import render_to_string

    from tracker.progress import track_progress

    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    items = {i.milestone.slug: i for i in track_progress(plan).items}
    html = render_to_string("calendars/includes/milestone_link.html", {"item": items["python"], "enrollment": plan})
    assert f'href="/plans/{plan.pk}/milestones/python/calendar.ics"' in html
    assert "target date" in html
    undated = render_to_string(
        "calendars/includes/milestone_link.html", {"item": items["aws-ml-engineer-associate"], "enrollment": plan}
    )
    assert "calendar.ics" not in undated
