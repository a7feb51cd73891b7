"""The seed's choice groups and default checklists: what they say, and that they travel intact.

The seed groups alternatives wherever the source articles give them (one
domain specialisation, one route into practical experience, one cloud
certification, one advanced degree) and gives every certification, Kaggle
tier, project and degree a short default checklist. ``seed_content --update``
and the admin's export and import must carry both without loss or churn.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory
from tracker.models import (
    CareerLevel,
    CareerTrack,
    Category,
    ChecklistItem,
    ChecklistTick,
    ChoiceGroup,
    LadderStep,
    Milestone,
    Resource,
)
from tracker.progress import starting_units

CHECKLISTED = (Category.CERTIFICATION, Category.KAGGLE, Category.PROJECT, Category.EDUCATION)
KAGGLE_TIERS = ("kaggle-contributor", "kaggle-expert", "kaggle-master", "kaggle-grandmaster")


@pytest.fixture
def seed(db):
    """The seed as a fresh install loads it."""
    call_command("seed_content", verbosity=0)


def members_by_group() -> dict[tuple[str, str], set[str]]:
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    grouped = LadderStep.objects.filter(choice_group__isnull=False).select_related("choice_group__track", "milestone")
    for step in grouped:
        members[step.choice_group.natural_key()].add(step.milestone.slug)
    return members


def groups_and_checklists() -> dict[str, dict]:
    """Every group (with its members) and every default checklist item, by natural key, time stamps included."""
    members = members_by_group()
    groups = {
        g.natural_key(): (g.title, g.description, g.needs, g.updated_at, frozenset(members[g.natural_key()]))
        for g in ChoiceGroup.objects.select_related("track")
    }
    items = {
        i.natural_key(): (i.title, i.order, i.removed_at, i.created_at, i.updated_at)
        for i in ChecklistItem.objects.defaults().select_related("milestone")
    }
    return {"groups": groups, "items": items}


def catalogue() -> dict[str, object]:
    """All content with its ids and time stamps: what "changes nothing" is checked against."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (CareerTrack, CareerLevel, ChoiceGroup, Milestone, Resource, ChecklistItem, LadderStep)
    } | {"prerequisites": sorted(Milestone.prerequisites.through.objects.values_list(), key=repr)}


# --------------------------------------------------------------------------
# The groups
# --------------------------------------------------------------------------


def test_every_group_has_more_members_in_its_track_than_it_needs(seed):
    """A group with no more members than it needs offers no choice: it would be a list of requirements."""
    members = members_by_group()
    groups = list(ChoiceGroup.objects.select_related("track"))
    assert groups
    for group in groups:
        steps = LadderStep.objects.filter(choice_group=group)
        assert not steps.exclude(track=group.track).exists(), f"{group} holds a step of another track"
        assert len(members[group.natural_key()]) >= group.needs + 1, group
        assert group.title.strip(), group
        assert len(group.description.strip()) >= 60, group


def test_the_alternatives_the_articles_give_are_grouped_one_of_each(seed):
    """Domains, routes into experience, cloud certifications, advanced degrees: a person needs one of each."""
    members = members_by_group()
    needs = {g.natural_key(): g.needs for g in ChoiceGroup.objects.select_related("track")}
    domains = {"domain-healthcare", "domain-finance", "domain-ecommerce"}
    for track in CareerTrack.objects.all():
        listed = set(track.steps.values_list("milestone__slug", flat=True))
        if len(listed & domains) > 1:
            assert members[(track.slug, "one-domain")] == listed & domains, track.slug
        if {"masters-degree", "phd"} <= listed:
            assert members[(track.slug, "advanced-degree")] == {"masters-degree", "phd"}, track.slug
    mle = "machine-learning-engineer"
    assert members[(mle, "route-into-experience")] == {"exp-junior-software-engineer", "exp-data-analyst"}
    assert members[(mle, "cloud-certification")] == {
        "aws-certified-ml-engineer-associate",
        "aws-certified-ml",
        "google-professional-ml-engineer",
    }
    # Where the retired AWS exam stands alone with its successor, one of the two.
    for track in ("mlops-engineer", "systems-mle"):
        assert members[(track, "aws-certification")] == {"aws-certified-ml-engineer-associate", "aws-certified-ml"}
    assert set(needs.values()) == {1}


def test_a_ladder_of_tiers_is_never_grouped(seed):
    """Kaggle Contributor, Expert, Master, Grandmaster are a sequence; no group member needs another first."""
    assert not LadderStep.objects.filter(milestone__slug__in=KAGGLE_TIERS, choice_group__isnull=False).exists()
    grouped = defaultdict(set)
    for step in LadderStep.objects.filter(choice_group__isnull=False):
        grouped[step.choice_group_id].add(step.milestone_id)
    edges = Milestone.objects.prerequisite_edges()
    for group_members in grouped.values():
        for member in group_members:
            assert not set(edges.get(member, ())) & group_members


def test_nothing_in_a_track_builds_on_one_alternative_only(seed):
    """Choosing any member of a group never leaves a later step locked behind the member not chosen."""
    edges = Milestone.objects.prerequisite_edges()
    for track in CareerTrack.objects.all():
        steps = list(track.visible_steps())
        alternatives = {s.milestone_id for s in steps if s.choice_group_id}
        for step in steps:
            assert not set(edges.get(step.milestone_id, ())) & alternatives, (track.slug, step.milestone.slug)


def test_each_group_counts_once_in_a_track_s_units(seed):
    """A track page's honest total: one unit per group, with the cheapest member's effort."""
    for track in CareerTrack.objects.all():
        steps = list(track.visible_steps())
        units = starting_units(steps)
        grouped = Counter(s.choice_group_id for s in steps if s.choice_group_id)
        assert len(units) == len(steps) - sum(grouped.values()) + len(grouped), track.slug
        for unit in units:
            if unit.group is not None:
                assert unit.effort_weeks == min(i.milestone.effort_weeks for i in unit.items), track.slug


# --------------------------------------------------------------------------
# The checklists
# --------------------------------------------------------------------------


def test_every_certification_kaggle_tier_project_and_degree_has_three_to_six_short_default_items(seed):
    milestones = Milestone.objects.filter(category__in=CHECKLISTED).prefetch_related("checklist")
    assert milestones.count() == 17
    for milestone in milestones:
        items = sorted(milestone.checklist.all(), key=lambda i: i.order)
        assert all(i.owner_id is None and i.removed_at is None for i in items)
        assert 3 <= len(items) <= 6, f"{milestone.slug} has {len(items)} items"
        assert [i.order for i in items] == list(range(1, len(items) + 1)), milestone.slug
        for item in items:
            assert item.slug, milestone.slug
            assert item.title.strip() == item.title, (milestone.slug, item.slug)
            assert len(item.title) <= 80, (milestone.slug, item.title)
        assert len({i.title for i in items}) == len(items), milestone.slug


def test_the_checklists_carry_what_each_tier_and_exam_asks(seed):
    def titles(slug):
        return " / ".join(ChecklistItem.objects.defaults().filter(milestone__slug=slug).values_list("title", flat=True))

    contributor = titles("kaggle-contributor")
    for asked in ("notebook", "submission", "comment", "Upvote", "phone", "profile"):
        assert asked in contributor
    assert "one gold and two silver medals" in titles("kaggle-master")
    assert "five gold medals, at least one won solo" in titles("kaggle-grandmaster")
    for exam in ("aws-certified-ml-engineer-associate", "google-professional-ml-engineer"):
        steps = titles(exam)
        for asked in ("exam guide", "practice", "Book the exam", "Pass"):
            assert asked in steps, (exam, asked)
    # The retired exam can no longer be booked: its list is about the certificate a person holds.
    retired = titles("aws-certified-ml")
    assert "31 March 2026" in retired
    assert "Book" not in retired


# --------------------------------------------------------------------------
# seed_content --update
# --------------------------------------------------------------------------


def test_seed_content_update_twice_changes_nothing(seed):
    """Not a row, not an id, not a time stamp: an unchanged seed writes nothing."""
    call_command("seed_content", update=True, verbosity=0)
    before = catalogue()

    call_command("seed_content", update=True, verbosity=0)

    assert catalogue() == before


def test_seed_content_update_restores_the_seeded_groups_and_items_and_leaves_the_rest(seed):
    """Edited and deleted seeded rows come back; what the seed does not list and people's own items stay."""
    seeded = {k: v[:3] for k, v in groups_and_checklists()["groups"].items()}
    person = UserFactory()
    guide = ChecklistItem.objects.get(milestone__slug="google-professional-ml-engineer", slug="exam-guide")
    tick = ChecklistTick.objects.create(user=person, item=guide, done=True)
    own = ChecklistItem.objects.create(milestone=guide.milestone, owner=person, title="Ask Sam for notes")
    ChoiceGroup.objects.filter(slug="one-domain").update(title="Edited", needs=2)
    ChecklistItem.objects.filter(milestone__slug="phd", slug="defend").delete()
    LadderStep.objects.filter(track__slug="data-scientist", milestone__slug="domain-finance").update(choice_group=None)
    editors = ChoiceGroup.objects.create(track=CareerTrack.objects.get(slug="data-engineer"), slug="editors", title="X")
    extra = ChecklistItem.objects.create(milestone=guide.milestone, slug="editors-extra", title="An editor's item")

    call_command("seed_content", update=True, verbosity=0)

    assert {k: v[:3] for k, v in groups_and_checklists()["groups"].items() if k != editors.natural_key()} == seeded
    assert ChecklistItem.objects.defaults().filter(milestone__slug="phd", slug="defend").exists()
    assert members_by_group()[("data-scientist", "one-domain")] == {"domain-healthcare", "domain-finance"}
    # Never deleted by --update: an editor's group and item, a person's own item and tick.
    assert ChoiceGroup.objects.filter(pk=editors.pk).exists()
    assert ChecklistItem.objects.filter(pk=extra.pk).exists()
    assert ChecklistItem.objects.get(pk=own.pk).title == "Ask Sam for notes"
    assert ChecklistTick.objects.get(pk=tick.pk).item_id == guide.pk
    assert ChecklistItem.objects.get(pk=guide.pk).slug == "exam-guide", "matched by natural key, so the tick stays"


def test_seed_content_update_says_what_it_changed(seed, capsys):
    ChecklistItem.objects.filter(milestone__slug="phd", slug="defend").delete()
    call_command("seed_content", update=True)
    said = capsys.readouterr().out
    assert "created 1 checklist items" in said
    assert "unchanged" in said


# --------------------------------------------------------------------------
# The admin's export and import
# --------------------------------------------------------------------------


def empty_catalogue():
    LadderStep.objects.all().delete()
    ChoiceGroup.objects.all().delete()
    CareerLevel.objects.all().delete()
    Resource.objects.all().delete()
    ChecklistItem.objects.all().delete()
    Milestone.objects.all().delete()
    CareerTrack.objects.exclude(parent=None).delete()
    CareerTrack.objects.all().delete()


def admin_export(client, tracks) -> bytes:
    response = client.post(
        reverse("admin:tracker_careertrack_changelist"),
        {"action": "export_json", admin.helpers.ACTION_CHECKBOX_NAME: [t.pk for t in tracks]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.content


def admin_import(client, content: bytes) -> None:
    """Upload, see the preview, confirm: the admin's two steps."""
    preview = client.post(
        reverse("admin:tracker_careertrack_import"),
        {"file": SimpleUploadedFile("track.json", content, content_type="application/json")},
    )
    assert preview.status_code == 200, preview.content.decode()
    response = client.post(
        reverse("admin:tracker_careertrack_import"), {"_confirm": "1", "sha256": preview.context["sha256"]}
    )
    assert response.status_code == 302, response.content.decode()


def of_track(state: dict[str, dict], track: str, milestones: set[str]) -> dict[str, dict]:
    """The groups of ``track`` and the checklists of ``milestones``, without time stamps."""
    return {
        "groups": {k: (v[0], v[1], v[2], v[4]) for k, v in state["groups"].items() if k[0] == track},
        "items": {k: v[:3] for k, v in state["items"].items() if k[0] in milestones},
    }


def test_every_seeded_track_travels_with_its_groups_and_checklists(client, staff, seed):
    """Each of the ten tracks, exported alone (a specialisation with its parent), imported into an empty catalogue."""
    client.force_login(staff)
    seeded = groups_and_checklists()
    files = {}
    for track in CareerTrack.objects.select_related("parent"):
        chosen = [track] if track.parent is None else [track, track.parent]
        files[track.slug] = admin_export(client, chosen)
    for slug, exported in files.items():
        # The file carries the track's milestones and those they need first.
        carried = {o["fields"]["slug"] for o in json.loads(exported) if o["model"] == "tracker.milestone"}
        expected = of_track(seeded, slug, carried)
        empty_catalogue()

        admin_import(client, exported)

        assert of_track(groups_and_checklists(), slug, carried) == expected, slug
    # Between them the files carried every group and every default item of the seed.
    assert {k[0] for k in seeded["groups"]} <= set(files)
