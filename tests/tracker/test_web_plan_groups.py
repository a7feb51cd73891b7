"""The plan rules of issue 12 on the web: choice groups, locked and not-needed milestones, the date earned,
the refusal to undo a prerequisite, and planning that tells the truth.

One small track built from factories (so the seed's content can change freely):
Python, then one cloud certification of two (AWS 10 weeks, GCP 8), Kaggle
Contributor then Expert, and a course. Five units, 50 weeks of effort for
someone starting out (the group counts its quickest option).
"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    CareerTrackFactory,
    ChoiceGroupFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
    UserFactory,
)
from tests.tracker.cloud_ladder import cloud_ladder
from tracker.models import Enrollment, MilestoneProgress, ProgressEvent, Status

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ladder(db):
    return cloud_ladder()


@pytest.fixture
def plan(ladder, owner):
    return Enrollment.objects.enroll(owner, ladder["track"])[0]


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def page(client, plan):
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(body, element_id):
    """The HTML from the element with ``element_id``: a group up to its end, a panel up to the next panel or group."""
    start = body.rindex("<", 0, body.index(f'id="{element_id}"'))
    markers = ("</ul>\n</li>",) if element_id.startswith("g-") else ('<li class="panel', '<li class="choice-group')
    ends = [i for i in (body.find(marker, start + 1) for marker in markers) if i != -1]
    return body[start : min(ends, default=len(body))]


def done(owner, ladder, *slugs, on=None):
    for slug in slugs:
        MilestoneProgress.objects.update_state(
            owner, ladder[slug], status=Status.DONE, **({"earned_on": on} if on else {})
        )


def status_url(plan, slug):
    return f"/plans/{plan.pk}/milestones/{slug}/status/"


def today(user):
    return timezone.localdate(timezone.now(), user.tzinfo)


# --------------------------------------------------------------------------
# Choice groups
# --------------------------------------------------------------------------


def test_a_choice_group_shows_its_options_together_under_its_title(signed_in, plan):
    """The group is one block: "Pick 1 of 2", its title and description, then both options' panels."""
    body = page(signed_in, plan)
    group = section(body, "g-one-cloud")
    assert 'data-testid="group-state">Pick 1 of 2<' in group
    assert "One cloud certification" in group
    assert "Pick the cloud you work in." in group
    assert 'id="m-aws"' in group
    assert 'id="m-gcp"' in group
    assert '<span class="panel-title" id="m-aws-title">' in group  # a row of its own under the group's title
    # Until one is chosen the plan counts the quickest option, and the group once.
    assert "your plan counts the quickest: about 8 weeks" in group
    assert 'data-testid="counts">· 0 of 5 done<' in body


def test_choosing_an_option_says_how_many_are_chosen(signed_in, plan, owner, ladder):
    """Starting an option chooses it: "1 of 1 chosen", and the group counts that option's effort."""
    done(owner, ladder, "python")
    MilestoneProgress.objects.set_status(owner, ladder["aws"], Status.IN_PROGRESS)
    group = section(page(signed_in, plan), "g-one-cloud")
    assert 'data-testid="group-state">1 of 1 chosen<' in group
    assert "You chose AWS ML; your plan counts about 10 weeks of effort for this group." in group


def test_once_a_group_is_done_its_other_options_show_as_not_needed(signed_in, plan, owner, ladder):
    """Done with GCP, the group is done and counts once; AWS is an alternative: "Not needed", no to-do look."""
    done(owner, ladder, "python", "gcp")
    body = page(signed_in, plan)
    group = section(body, "g-one-cloud")
    assert 'data-testid="group-state">Done · 1 of 1 chosen<' in group
    assert "Done with GCP ML: the other options are not needed." in group
    aws = section(body, "m-aws")
    assert 'class="panel status-not_started is-alternative"' in aws
    assert 'data-testid="status">Not needed<' in aws
    assert "Not needed: “One cloud certification” is done with another option." in aws
    gcp = section(body, "m-gcp")
    assert 'data-testid="status">Done<' in gcp
    assert "not-needed" not in gcp
    assert 'data-testid="counts">· 2 of 5 done<' in body


def test_with_htmx_a_change_in_a_group_updates_its_title_and_other_options_out_of_band(signed_in, plan, owner, ladder):
    """Marking one option done swaps its panel, and out of band the group's state and the other option."""
    done(owner, ladder, "python")
    response = signed_in.post(status_url(plan, "gcp"), {"status": "done"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<li class="panel status-done" id="m-gcp"')
    assert 'id="g-one-cloud-head" hx-swap-oob="true"' in body
    assert "Done · 1 of 1 chosen" in body
    assert '<li class="panel status-not_started is-alternative" id="m-aws" hx-swap-oob="true">' in body
    assert 'id="error-summary" hidden hx-swap-oob="true"' in body


# --------------------------------------------------------------------------
# Locked by a skipped prerequisite
# --------------------------------------------------------------------------


def test_a_milestone_whose_prerequisite_is_skipped_shows_as_locked_and_says_why(signed_in, plan, owner, ladder):
    """Skipping is "not for me": it unlocks nothing, and the dependant says so rather than looking ready."""
    MilestoneProgress.objects.set_status(owner, ladder["contributor"], Status.SKIPPED)
    body = page(signed_in, plan)
    expert = section(body, "m-expert")
    assert "is-locked" in expert
    assert 'data-testid="status">Locked<' in expert
    assert "Needs Kaggle Contributor first: you skipped it." in expert
    assert 'Kaggle Contributor <span class="missing">(skipped)</span>' in expert
    assert "I already have this" not in expert  # it cannot be marked done while locked
    # The skipped unit leaves the count, and is said separately.
    assert 'data-testid="counts">· 0 of 4 done<' in body
    assert 'data-testid="skipped">1 skipped as not for you.<' in body


def test_with_htmx_skipping_a_prerequisite_locks_its_dependant_out_of_band(signed_in, plan):
    """The dependant's panel is swapped out of band, locked, without a reload."""
    response = signed_in.post(status_url(plan, "contributor"), {"status": "skipped"}, **HTMX)
    body = response.content.decode()
    assert 'id="m-expert" hx-swap-oob="true"' in body
    assert "Needs Kaggle Contributor first: you skipped it." in body


def test_a_prerequisite_not_done_yet_is_not_called_locked(signed_in, plan):
    """Only a skipped prerequisite locks; one still to do is listed as "not yet"."""
    expert = section(page(signed_in, plan), "m-expert")
    assert "is-locked" not in expert
    assert 'Kaggle Contributor <span class="missing">(not yet)</span>' in expert


# --------------------------------------------------------------------------
# The date earned
# --------------------------------------------------------------------------


def test_the_date_earned_offered_when_marking_done_defaults_to_today_and_is_capped_at_today(signed_in, plan, owner):
    """ "I already have this" on a milestone not done: a "Date earned" field, today by default, no later."""
    python = section(page(signed_in, plan), "m-python")
    assert "<summary>I already have this</summary>" in python
    field = re.search(r'<input type="date" name="(m\d+-earned-earned_on)"[^>]*>', python).group(0)
    assert f'value="{today(owner).isoformat()}"' in field
    assert f'max="{today(owner).isoformat()}"' in field
    assert re.search(r'<label for="id_m\d+-earned-earned_on">Date earned:</label>', python)


def test_i_already_have_this_marks_done_on_the_date_earned(signed_in, plan, owner, ladder):
    """Done with a past date: stored, recorded in the history, shown on the panel."""
    prefix = f"m{ladder['python'].pk}-earned"
    response = signed_in.post(status_url(plan, "python"), {"status": "done", f"{prefix}-earned_on": "2024-05-01"})
    assert response.status_code == 302
    row = MilestoneProgress.objects.get(user=owner, milestone=ladder["python"])
    assert (row.status, row.earned_on) == (Status.DONE, date(2024, 5, 1))
    assert ProgressEvent.objects.get(user=owner, to_status=Status.DONE).earned_on == date(2024, 5, 1)
    python = section(page(signed_in, plan), "m-python")
    assert 'data-testid="earned-on">earned 1 May 2024<' in python
    assert "I already have this" not in python


@pytest.mark.parametrize("htmx", [False, True])
def test_a_date_earned_in_the_future_is_refused_beside_the_field_and_in_the_summary(
    signed_in, plan, owner, ladder, htmx
):
    """Nothing is saved; the field keeps what was typed, shows why, and the summary at the top links to it."""
    prefix = f"m{ladder['python'].pk}-earned"
    tomorrow = today(owner) + timedelta(days=1)
    response = signed_in.post(
        status_url(plan, "python"),
        {"status": "done", f"{prefix}-earned_on": tomorrow.isoformat()},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == (200 if htmx else 400)
    body = response.content.decode()
    error = (
        f'<p class="error" id="id_{prefix}-earned_on_error" role="alert">The date earned cannot be in the future.</p>'
    )
    assert error in body
    assert f'value="{tomorrow.isoformat()}"' in body
    assert '<details class="already-have" open>' in body
    summary = body[body.index('id="error-summary"') :][:800]
    assert "There is a problem" in summary
    assert (
        f'<a href="#id_{prefix}-earned_on">Python, date earned: The date earned cannot be in the future.</a>' in summary
    )
    if htmx:
        assert 'hx-swap-oob="true"' in summary
    else:
        assert body.index('id="error-summary"') < body.index("<h1>")
    assert not MilestoneProgress.objects.filter(user=owner, milestone=ladder["python"]).exists()


def test_a_bad_date_earned_is_named_beside_the_field(signed_in, plan, owner, ladder):
    """Text that is no date is refused beside the field, and nothing is saved."""
    prefix = f"m{ladder['python'].pk}-earned"
    response = signed_in.post(status_url(plan, "python"), {"status": "done", f"{prefix}-earned_on": "last spring"})
    assert response.status_code == 400
    assert f'id="id_{prefix}-earned_on_error"' in response.content.decode()
    assert not MilestoneProgress.objects.filter(user=owner).exists()


def test_the_date_earned_can_be_changed_on_a_done_milestone_and_not_to_the_future(signed_in, plan, owner, ladder):
    """A done milestone's details hold "Date earned"; a past date is saved, a future one refused beside the field."""
    done(owner, ladder, "python")
    prefix = f"m{ladder['python'].pk}"
    python = section(page(signed_in, plan), "m-python")
    assert "<summary>Evidence, notes and dates</summary>" in python
    assert f'name="{prefix}-earned_on"' in python
    url = f"/plans/{plan.pk}/milestones/python/details/"
    fields = {f"{prefix}-evidence_url": "", f"{prefix}-notes": "", f"{prefix}-target_date": ""}
    assert signed_in.post(url, {**fields, f"{prefix}-earned_on": "2023-09-15"}).status_code == 302
    assert MilestoneProgress.objects.get(user=owner, milestone=ladder["python"]).earned_on == date(2023, 9, 15)
    future = (today(owner) + timedelta(days=3)).isoformat()
    response = signed_in.post(url, {**fields, f"{prefix}-earned_on": future, f"{prefix}-notes": "typed"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{prefix}-earned_on_error" role="alert">The date earned cannot be in the future.' in body
    assert f'href="#id_{prefix}-earned_on">Python, date earned: The date earned cannot be in the future.' in body
    row = MilestoneProgress.objects.get(user=owner, milestone=ladder["python"])
    assert (row.earned_on, row.notes) == (date(2023, 9, 15), "")


def test_a_milestone_not_done_has_no_date_earned_to_edit(signed_in, plan, ladder):
    """Only a done milestone has a date earned: the details form of one still to do has none."""
    course = section(page(signed_in, plan), "m-course")
    assert f'name="m{ladder["course"].pk}-earned_on"' not in course
    assert "<summary>Evidence, notes and target date</summary>" in course


# --------------------------------------------------------------------------
# Undoing a prerequisite
# --------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_undoing_a_prerequisite_of_something_done_is_refused_inline_naming_it(signed_in, plan, owner, ladder, htmx):
    """Python cannot leave done while the course built on it is done: the panel says which, and nothing changes."""
    done(owner, ladder, "python", "course")
    response = signed_in.post(status_url(plan, "python"), {"status": "in_progress"}, **(HTMX if htmx else {}))
    assert response.status_code == (200 if htmx else 400)
    body = response.content.decode()
    message = "Python is a prerequisite of what you have done: ML course. Undo those first."
    assert f'data-testid="status-error">{message}</p>' in body
    assert f'<a href="#m-python-status-error">Python: {message}</a>' in body
    assert MilestoneProgress.objects.get(user=owner, milestone=ladder["python"]).status == Status.DONE
    assert not ProgressEvent.objects.filter(user=owner, to_status=Status.IN_PROGRESS).exists()


# --------------------------------------------------------------------------
# Planning that tells the truth
# --------------------------------------------------------------------------


def test_a_plan_that_does_not_fit_gives_the_figures_and_offers_a_date_that_then_plans(signed_in, plan, owner):
    """50 weeks of effort, a target 4 weeks away: refused with both figures, nothing saved, and a one-click
    "Plan to <date> instead" (a plain form, so it works without JavaScript) that plans."""
    target = today(owner) + timedelta(weeks=4)
    fits = today(owner) + timedelta(weeks=50)
    response = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target.isoformat()})
    assert response.status_code == 400
    body = response.content.decode()
    message = (
        "What is left is about 50 weeks of effort, and your target is 4 weeks away. "
        f"A target of {fits.day} {fits:%B %Y} fits, or skip what is not for you."
    )
    assert f'id="id_target_date_error" role="alert">{message}</p>' in body
    assert f'<a href="#id_target_date">Plan my dates: {message}</a>' in body
    offer = body[body.index('data-testid="date-that-fits"') :]
    offer = offer[: offer.index("</form>")]
    assert f'<input type="hidden" name="target_date" value="{fits.isoformat()}">' in offer
    assert f"Plan to {fits.day} {fits:%B %Y} instead" in offer
    assert 'name="csrfmiddlewaretoken"' in offer
    plan.refresh_from_db()
    assert plan.target_date is None
    assert not MilestoneProgress.objects.filter(user=owner).exists()

    followed = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": fits.isoformat()}, follow=True)
    assert followed.redirect_chain == [(f"/plans/{plan.pk}/", 302)]
    assert "Planned 5 target dates." in followed.content.decode()
    plan.refresh_from_db()
    assert plan.target_date == fits
    planned = dict(MilestoneProgress.objects.filter(user=owner).values_list("milestone__slug", "target_date"))
    assert set(planned) == {"python", "gcp", "contributor", "expert", "course"}  # AWS, the alternative, is not
    assert max(planned.values()) == fits


def test_a_shortfall_of_years_is_said_in_years_as_the_rest_of_the_page_says_it(signed_in, owner):
    """The refusal speaks of a degree's effort in years, as the page's effort figures do."""
    track = CareerTrackFactory()
    LadderStepFactory(track=track, milestone=MilestoneFactory(effort_weeks=156, title="A degree"))
    plan = EnrollmentFactory(user=owner, track=track)
    target = today(owner) + timedelta(weeks=30)
    response = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target.isoformat()})
    body = response.content.decode()
    assert "What is left is about 3 years (156 weeks) of effort, and your target is 30 weeks away." in body
    assert 'about <span id="effort-left">3 years</span> of effort' in body


def test_planning_keeps_the_dates_set_by_hand_and_says_how_many(signed_in, plan, owner, ladder):
    """A date the person set is never moved, and the success message says how many were kept."""
    own = today(owner) + timedelta(weeks=20)
    MilestoneProgress.objects.update_state(owner, ladder["course"], target_date=own)
    target = today(owner) + timedelta(weeks=60)
    response = signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target.isoformat()}, follow=True)
    assert "Planned 4 target dates and kept the 1 you set yourself." in response.content.decode()
    assert MilestoneProgress.objects.get(user=owner, milestone=ladder["course"]).target_date == own


def test_saving_a_note_leaves_a_planned_date_planned(signed_in, plan, owner, ladder):
    """Only what changed is written: a note beside a planned date does not make the date the person's own."""
    target = today(owner) + timedelta(weeks=60)
    signed_in.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target.isoformat()})
    row = MilestoneProgress.objects.get(user=owner, milestone=ladder["course"])
    assert row.target_date_planned
    prefix = f"m{ladder['course'].pk}"
    signed_in.post(
        f"/plans/{plan.pk}/milestones/course/details/",
        {f"{prefix}-notes": "Week 1", f"{prefix}-evidence_url": "", f"{prefix}-target_date": row.target_date},
    )
    row.refresh_from_db()
    assert (row.notes, row.target_date_planned) == ("Week 1", True)


# --------------------------------------------------------------------------
# The same figures on every page
# --------------------------------------------------------------------------


def test_the_progress_summary_counts_units_and_says_skipped_separately(signed_in, plan, owner, ladder):
    """ "P% complete · D of C done", C the units less the skipped; the category table from the same counts."""
    done(owner, ladder, "python")
    MilestoneProgress.objects.set_status(owner, ladder["contributor"], Status.SKIPPED)
    body = page(signed_in, plan)
    assert 'data-testid="percent">25%<' in body  # 1 of the 4 units left once the skipped one is out
    assert 'data-testid="counts">· 1 of 4 done<' in body
    assert "1 skipped as not for you." in body
    assert '<th scope="row">Kaggle</th><td>0 of 1 <span class="meta">(1 skipped)</span></td>' in body
    assert '<th scope="row">Certification</th><td>0 of 1</td>' in body  # the group, once


def test_the_shared_page_shows_groups_and_dates_earned(client, plan, owner, ladder):
    """The shared page: the same summary, the group with its state and its alternative, the dates earned."""
    done(owner, ladder, "python", "gcp", on=date(2024, 5, 1))
    token = plan.share()
    body = client.get(f"/shared/{token}/").content.decode()
    group = body[body.index('id="g-one-cloud"') :]
    assert 'data-testid="group-state">Done · 1 of 1 chosen<' in group
    assert "One cloud certification" in group
    assert "Not needed</span> AWS ML" in group
    assert 'data-testid="earned-on">· earned 1 May 2024<' in group
    assert 'data-testid="counts">· 2 of 5 done<' in body
    assert owner.email not in body


def test_the_track_page_states_the_honest_total_and_shows_each_group_as_one_block(client, ladder):
    """Five steps (the group once, by its quickest option): 2 + 8 + 2 + 26 + 12 weeks."""
    body = client.get("/tracks/cloud-ml/").content.decode()
    assert 'data-testid="ladder-total">5 steps to take, about 50 weeks of effort' in body
    group = body[body.index('id="g-one-cloud"') :]
    group = group[: group.index("</ul>\n      </li>")]
    assert "Choose one of 2" in group
    assert "One cloud certification" in group
    assert "Pick the cloud you work in." in group
    assert 'id="m-aws"' in group
    assert 'id="m-gcp"' in group
    assert "Counts as one step of about 8 weeks in the total" in group


def test_a_degree_s_effort_reads_in_years_on_the_track_page(client, ladder):
    """156 weeks reads as 3 years, and the total in years too."""
    LadderStepFactory(track=ladder["track"], milestone=MilestoneFactory(title="A degree", effort_weeks=156), order=9)
    body = client.get("/tracks/cloud-ml/").content.decode()
    assert "about 3 years" in body
    assert "6 steps to take, about 4 years of effort" in body


def test_the_dashboard_s_next_up_never_offers_an_alternative(client, plan, owner, ladder):
    """Next up holds the chosen option (with its effort and its group), never the alternative."""
    done(owner, ladder, "python")
    MilestoneProgress.objects.set_status(owner, ladder["aws"], Status.IN_PROGRESS)
    client.force_login(owner)
    body = client.get("/dashboard/").content.decode()
    next_up = body[body.index('class="date-list next-up"') :]
    next_up = next_up[: next_up.index("</ul>")]
    assert "AWS ML" in next_up
    assert "about 10 weeks · counts for “One cloud certification”" in next_up
    assert "GCP ML" not in next_up
    assert 'data-testid="counts">· 1 of 5 done<' in body


# --------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------


def _plan_with_groups(groups: int, options: int):
    user = UserFactory()
    track = CareerTrackFactory()
    for _ in range(groups):
        group = ChoiceGroupFactory(track=track)
        for n in range(options):
            milestone = MilestoneFactory()
            LadderStepFactory(track=track, milestone=milestone, choice_group=group)
            if n == 0:
                MilestoneProgress.objects.set_status(user, milestone, Status.DONE)
        LadderStepFactory(track=track)
    return user, Enrollment.objects.enroll(user, track)[0]


@pytest.mark.django_db
def test_the_plan_page_s_query_count_does_not_grow_with_groups_or_options(client):
    """Ten times the groups and more options per group: the same number of queries."""
    counts = []
    for groups, options in ((1, 2), (10, 5)):
        user, plan = _plan_with_groups(groups, options)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/plans/{plan.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
