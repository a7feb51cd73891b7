"""The plan page: one-click status changes, evidence and dates, planning and sharing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, ProgressEvent, Status
from tracker.progress import track_progress

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(seeded, owner):
    return Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))[0]


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def status_url(plan, slug):
    return f"/plans/{plan.pk}/milestones/{slug}/status/"


def test_it_marks_a_milestone_done_in_one_click_and_redirects_back_to_its_panel(signed_in, plan, owner):
    response = signed_in.post(status_url(plan, "skill-programming"), {"status": "done"})
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/#m-skill-programming"
    row = MilestoneProgress.objects.get(user=owner, milestone__slug="skill-programming")
    assert row.status == Status.DONE
    assert row.earned_in == plan.track


def test_it_names_the_missing_prerequisites_inline_and_saves_nothing(signed_in, plan, owner):
    response = signed_in.post(status_url(plan, "skill-ml-algorithms"), {"status": "done"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="status-error"' in body
    assert "Finish the prerequisites first: Programming" in body
    assert not MilestoneProgress.objects.filter(user=owner, milestone__slug="skill-ml-algorithms").exists()


def test_with_htmx_it_answers_with_the_panel_and_the_new_percentage_out_of_band(signed_in, plan):
    response = signed_in.post(status_url(plan, "skill-programming"), {"status": "done"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<li class="panel status-done" id="m-skill-programming"')
    assert f'id="summary-{plan.pk}" hx-swap-oob="true"' in body
    assert track_progress(plan).percent > 0
    assert f'data-testid="percent">{track_progress(plan).percent}%' in body


def test_with_htmx_a_prerequisite_error_is_swapped_into_the_panel(signed_in, plan):
    response = signed_in.post(status_url(plan, "skill-ml-algorithms"), {"status": "done"}, **HTMX)
    assert response.status_code == 200
    assert "Finish the prerequisites first: Programming" in response.content.decode()


def test_an_unknown_status_is_refused_with_a_message(signed_in, plan, owner):
    response = signed_in.post(status_url(plan, "skill-programming"), {"status": "finished"})
    assert response.status_code == 400
    assert "Unknown status" in response.content.decode()
    assert not ProgressEvent.objects.filter(user=owner).exists()


def test_a_milestone_outside_the_track_is_a_404(signed_in, plan):
    assert signed_in.post(status_url(plan, "phd-that-does-not-exist"), {"status": "done"}).status_code == 404


def test_it_saves_evidence_notes_and_a_target_date(signed_in, plan, owner):
    url = f"/plans/{plan.pk}/milestones/skill-programming/details/"
    milestone_pk = Milestone.objects.get(slug="skill-programming").pk
    prefix = f"m{milestone_pk}"
    response = signed_in.post(
        url,
        {
            f"{prefix}-evidence_url": "https://github.com/olive/projects",
            f"{prefix}-notes": "Two years of Python",
            f"{prefix}-target_date": "2031-05-01",
        },
    )
    assert response.status_code == 302
    row = MilestoneProgress.objects.get(user=owner, milestone__slug="skill-programming")
    assert row.evidence_url == "https://github.com/olive/projects"
    assert row.notes == "Two years of Python"
    assert row.target_date == date(2031, 5, 1)


def test_bad_details_show_the_error_next_to_the_field_and_keep_what_was_saved(signed_in, plan, owner):
    milestone = Milestone.objects.get(slug="skill-programming")
    MilestoneProgress.objects.create(user=owner, milestone=milestone, notes="kept", evidence_url="https://a.example/")
    prefix = f"m{milestone.pk}"
    response = signed_in.post(
        f"/plans/{plan.pk}/milestones/skill-programming/details/",
        {f"{prefix}-evidence_url": "not a link", f"{prefix}-notes": "changed", f"{prefix}-target_date": "soon"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{prefix}-evidence_url_error"' in body
    assert "Enter a valid URL." in body
    assert f'id="id_{prefix}-target_date_error"' in body
    assert "changed" in body  # what was typed is still in the form
    row = MilestoneProgress.objects.get(user=owner, milestone=milestone)
    assert (row.notes, row.evidence_url) == ("kept", "https://a.example/")


def test_a_milestone_earned_in_another_track_shows_as_done_with_where(signed_in, seeded, owner):
    scientist, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-scientist"))
    engineer, _ = Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    signed_in.post(status_url(scientist, "skill-programming"), {"status": "done"})
    body = signed_in.get(f"/plans/{engineer.pk}/").content.decode()
    panel = body[body.index('id="m-skill-programming"') :][:3000]
    assert 'data-testid="status">Done' in panel
    assert 'Done in <a href="/tracks/data-scientist/">Data Scientist</a>' in panel


def _finish_prerequisites(owner, milestone):
    """Mark everything ``milestone`` needs done, deepest first: only done unlocks what builds on it."""
    for prerequisite in milestone.prerequisites.all():
        _finish_prerequisites(owner, prerequisite)
        MilestoneProgress.objects.set_status(owner, prerequisite, Status.DONE)


def test_an_expired_certification_shows_as_expired_with_its_renewal_date(signed_in, plan, owner):
    """Validity counts from the date earned: earned in January 2020, it has lapsed, and the panel says when."""
    cert = Milestone.objects.get(slug="google-professional-ml-engineer")
    earned = datetime(2020, 1, 15, tzinfo=UTC)
    MilestoneProgress.objects.create(
        user=owner,
        milestone=cert,
        status=Status.DONE,
        completed_at=earned,
        earned_on=earned.date(),
        expires_on=cert.expires_on(earned.date()),
    )
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = body[body.index('id="m-google-professional-ml-engineer"') :][:3000]
    expires = cert.expires_on(earned.date())
    assert 'data-testid="status">Expired' in panel
    assert f"Expired on {expires.day} {expires:%b %Y}" in panel
    assert "renew it" in panel


def test_an_expired_certification_is_renewed_through_in_progress_then_done(signed_in, plan, owner):
    """Its prerequisites done (skipping them would not do), "Done" on a lapsed certification renews it."""
    cert = Milestone.objects.get(slug="google-professional-ml-engineer")
    MilestoneProgress.objects.create(
        user=owner,
        milestone=cert,
        status=Status.DONE,
        completed_at=datetime(2020, 1, 15, tzinfo=UTC),
        earned_on=date(2020, 1, 15),
        expires_on=cert.expires_on(date(2020, 1, 15)),
    )
    _finish_prerequisites(owner, cert)
    signed_in.post(status_url(plan, "google-professional-ml-engineer"), {"status": "in_progress"})
    signed_in.post(status_url(plan, "google-professional-ml-engineer"), {"status": "done"})
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = body[body.index('id="m-google-professional-ml-engineer"') :][:3000]
    assert 'data-testid="status">Done' in panel
    assert "Valid until" in panel


def test_a_retired_certification_points_to_its_successor_on_the_plan_page(signed_in, plan, owner):
    """The AWS ML Specialty, retired on 31 March 2026: not counted for a newcomer, kept by a holder."""
    page = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = page[page.index('id="m-aws-certified-ml"') :][:3000]
    assert "Retired on 31 Mar 2026: no longer on offer, so it is not counted in this plan." in panel
    assert 'href="#m-aws-certified-ml-engineer-associate"' in panel
    # Where its facts come from, and when they were checked.
    assert 'href="https://aws.amazon.com/certification/certified-machine-learning-specialty/"' in panel
    assert "checked 28 Nov 2026" in panel
    _finish_prerequisites(owner, Milestone.objects.get(slug="aws-certified-ml"))
    refused = signed_in.post(status_url(plan, "aws-certified-ml"), {"status": "done"}, follow=True)
    assert "was retired on 31 March 2026" in refused.content.decode()
    MilestoneProgress.objects.update_state(
        owner, Milestone.objects.get(slug="aws-certified-ml"), status=Status.DONE, earned_on=date(2025, 6, 1)
    )
    page = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = page[page.index('id="m-aws-certified-ml"') :][:3000]
    assert "Retired on 31 Mar 2026: yours counts until it expires" in panel
    assert "Valid until 1 Jun 2028" in panel
    assert "I renewed it" not in panel


def test_plan_my_dates_sets_the_track_target_and_spreads_dates_over_what_is_needed(signed_in, plan, owner):
    """A target the effort fits before: one date per milestone still needed (a choice group's quickest option,
    never its alternatives), the last on the target, and the message says how many were planned."""
    to_do = track_progress(plan).to_do
    effort = sum(item.milestone.effort_weeks for item in to_do)
    target = timezone.localdate(timezone.now(), owner.tzinfo) + timedelta(weeks=effort + 4)
    response = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target.isoformat()}, follow=True)
    assert response.redirect_chain[-1] == (f"/plans/{plan.pk}/", 302)
    plan.refresh_from_db()
    assert plan.target_date == target
    planned = dict(MilestoneProgress.objects.filter(user=owner).values_list("milestone__slug", "target_date"))
    assert set(planned) == {item.milestone.slug for item in to_do}
    assert len(planned) < plan.track.steps.count()  # the alternatives are not planned
    assert max(planned.values()) == target
    assert f"Planned {len(planned)} target dates." in response.content.decode()


def test_plan_my_dates_in_the_past_is_refused_next_to_the_field_and_changes_nothing(signed_in, plan, owner):
    response = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": "2001-01-01"})
    assert response.status_code == 400
    assert "The target date must be after today." in response.content.decode()
    plan.refresh_from_db()
    assert plan.target_date is None
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_sharing_is_off_by_default_then_on_then_revoked(signed_in, client, plan):
    assert "This plan is private" in signed_in.get(f"/plans/{plan.pk}/").content.decode()
    signed_in.post(f"/plans/{plan.pk}/share/", {"share": "on"})
    plan.refresh_from_db()
    token = plan.share_token
    assert token
    assert len(token) >= 40
    assert f"/shared/{token}/" in signed_in.get(f"/plans/{plan.pk}/").content.decode()
    signed_in.post(f"/plans/{plan.pk}/share/", {"share": "off"})
    plan.refresh_from_db()
    assert plan.share_token is None
    client.logout()
    assert client.get(f"/shared/{token}/").status_code == 404


def test_the_shared_page_shows_progress_but_never_the_email(client, plan, owner):
    MilestoneProgress.objects.set_status(
        owner, plan.track.steps.get(milestone__slug="skill-programming").milestone, "done"
    )
    token = plan.share()
    body = client.get(f"/shared/{token}/").content.decode()
    assert "Machine Learning Engineer" in body
    assert f'data-testid="percent">{track_progress(plan).percent}%' in body
    assert owner.email not in body
    assert "owner@" not in body
