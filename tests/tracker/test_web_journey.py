"""The plan page shows the way, and every change answers: levels, rows, "Saved · Undo", the dashboard's
"Mark done" with a date, and the quiz's result view."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, ProgressEvent, Status
from tracker.views import fit_band

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(seeded, owner):
    return Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="machine-learning-engineer"))[0]


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def url(plan, slug, action):
    return f"/plans/{plan.pk}/milestones/{slug}/{action}/"


def undo_fields(body):
    """The hidden fields of the Undo form in ``body``."""
    form = body[body.index('class="inline-form undo-form"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="(event|status|earned_on|back)" value="([^"]*)"', form))


def test_the_ladder_is_grouped_by_career_level_with_n_of_m_done(signed_in, plan, owner):
    MilestoneProgress.objects.set_status(owner, Milestone.objects.get(slug="skill-programming"), Status.DONE)
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    levels = list(plan.track.levels.order_by("order"))
    assert levels
    headings = re.findall(r'class="level-heading" id="level-(\d+)-heading">([^<]+)<', body)
    assert [title for _, title in headings] == [level.title for level in levels if f"level-{level.pk}-count" in body]
    counts = re.findall(r'data-testid="level-count">(\d+) of (\d+) done', body)
    assert sum(int(done) for done, _ in counts) >= 1
    assert all(int(done) <= int(total) for done, total in counts)


def test_each_milestone_is_a_compact_row_that_opens_its_panel(signed_in, plan):
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = body[body.index('id="m-skill-programming"') :]
    row = panel[panel.index('<summary class="panel-row">') : panel.index("</summary>")]
    assert "Programming proficiency" in row or "Programming" in row
    assert 'data-testid="status">Not started' in row
    assert '<details class="panel-disclosure">' in panel[:400]  # closed until opened


def test_a_choice_group_says_pick_1_of_n(signed_in, plan):
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    assert re.search(r'data-testid="group-state">Pick 1 of \d+<', body)


def test_with_htmx_a_status_change_answers_saved_with_an_undo_and_announces_it(signed_in, plan):
    response = signed_in.post(url(plan, "skill-programming", "status"), {"status": "done"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<details class="panel-disclosure" open>' in body
    assert 'data-testid="saved"' in body
    assert "is done (earned" in body
    fields = undo_fields(body)
    assert fields["status"] == Status.NOT_STARTED
    assert fields["earned_on"] == ""
    assert '<div id="live-status" hx-swap-oob="innerHTML">Saved.' in body
    assert 'data-testid="level-count"' in body
    assert 'hx-swap-oob="true">1 of' in body


def test_undo_restores_the_status_and_focuses_the_button_now_pressed(signed_in, plan, owner):
    body = signed_in.post(url(plan, "skill-programming", "status"), {"status": "in_progress"}, **HTMX).content.decode()
    response = signed_in.post(url(plan, "skill-programming", "undo"), undo_fields(body), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="skill-programming").status == Status.NOT_STARTED
    assert "Undone." in body
    assert "is back to not started" in body
    assert re.search(r'id="m-skill-programming-not_started" aria-pressed="true"[^>]*autofocus', body)
    assert ProgressEvent.objects.filter(user=owner, milestone__slug="skill-programming").count() == 2


def test_without_javascript_a_change_redirects_and_the_page_that_comes_back_says_saved_with_an_undo(
    signed_in, plan, owner
):
    response = signed_in.post(url(plan, "skill-programming", "status"), {"status": "done"})
    assert response.status_code == 302
    body = signed_in.get(f"/plans/{plan.pk}/").content.decode()
    panel = body[body.index('id="m-skill-programming"') :]
    assert panel.index('data-testid="saved"') < panel.index("</li>")
    assert '<details class="panel-disclosure" open>' in panel[:400]
    fields = undo_fields(body)
    # A refresh does not post again, and the note was shown once.
    assert 'data-testid="saved"' not in signed_in.get(f"/plans/{plan.pk}/").content.decode()

    response = signed_in.post(url(plan, "skill-programming", "undo"), fields)
    assert response.status_code == 302
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="skill-programming").status == Status.NOT_STARTED
    assert "is back to not started" in signed_in.get(f"/plans/{plan.pk}/").content.decode()


def test_a_stale_undo_changes_nothing_and_says_why(signed_in, plan, owner):
    body = signed_in.post(url(plan, "skill-programming", "status"), {"status": "in_progress"}, **HTMX).content.decode()
    fields = undo_fields(body)
    signed_in.post(url(plan, "skill-programming", "status"), {"status": "done"}, **HTMX)
    response = signed_in.post(url(plan, "skill-programming", "undo"), fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert "can no longer be undone" in body
    assert 'data-testid="error-summary"' in body
    assert MilestoneProgress.objects.get(user=owner, milestone__slug="skill-programming").status == Status.DONE


def test_another_persons_undo_url_is_a_404(client, other, plan):
    client.force_login(other)
    assert client.post(url(plan, "skill-programming", "undo"), {"event": "1", "status": "done"}).status_code == 404


def test_the_dashboard_marks_done_on_the_date_given_then_undoes_it(signed_in, plan, owner):
    earned = timezone.localdate() - timedelta(days=10)
    page = signed_in.get("/dashboard/").content.decode()
    assert 'id="mark-done-skill-programming-date"' in page
    milestone = Milestone.objects.get(slug="skill-programming")
    response = signed_in.post(
        url(plan, "skill-programming", "status"),
        {"status": "done", "back": "dashboard", f"m{milestone.pk}-earned-earned_on": earned.isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/#saved"
    row = MilestoneProgress.objects.get(user=owner, milestone=milestone)
    assert (row.status, row.earned_on) == (Status.DONE, earned)

    page = signed_in.get("/dashboard/").content.decode()
    assert 'data-testid="saved"' in page
    assert f"earned {earned.day} {earned:%b %Y}" in page
    fields = undo_fields(page)
    assert fields["back"] == "dashboard"
    response = signed_in.post(url(plan, "skill-programming", "undo"), fields)
    assert response["Location"] == "/dashboard/#saved"
    assert MilestoneProgress.objects.get(user=owner, milestone=milestone).status == Status.NOT_STARTED


def test_the_dashboard_refuses_a_date_in_the_future_beside_the_field_and_in_the_summary(signed_in, plan, owner):
    milestone = Milestone.objects.get(slug="skill-programming")
    future = timezone.localdate() + timedelta(days=3)
    response = signed_in.post(
        url(plan, "skill-programming", "status"),
        {"status": "done", "back": "dashboard", f"m{milestone.pk}-earned-earned_on": future.isoformat()},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-summary"' in body
    assert 'href="#mark-done-skill-programming-date"' in body
    assert 'data-testid="mark-done-error">The date earned cannot be in the future.' in body
    assert not MilestoneProgress.objects.filter(user=owner, milestone=milestone).exists()


def test_the_quiz_submitted_empty_says_what_is_missing(client, seeded):
    body = client.get("/quiz/", {"answered": "1"}).content.decode()
    assert 'data-testid="error-summary"' in body
    assert body.count('data-testid="question-error">Choose one answer.') == 4
    assert 'href="#id_se_skill_0"' in body


def test_the_quiz_answers_on_its_own_result_view_as_a_ranking_in_words(client, seeded):
    answers = {"answered": "1", "se_skill": 4, "ml_knowledge": 3, "communication": 3, "produces": "prediction_systems"}
    body = client.get("/quiz/", answers).content.decode()
    assert '<h1 id="results-heading">Your best fits</h1>' in body
    assert not re.search(r"\d+% fit", body)
    assert 'data-testid="fit-band"' in body
    assert body.index('id="results-heading"') < body.index('id="change-answers"')


@pytest.mark.parametrize(
    ("score", "band"), [(100, "Strong fit"), (75, "Strong fit"), (60, "Good fit"), (40, "Some fit"), (3, "Weak fit")]
)
def test_a_fit_is_said_in_words(score, band):
    assert fit_band(score) == band
