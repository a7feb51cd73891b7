"""The seed content in fixtures/careerplan.json: what it promises and that it loads cleanly.

The seed is what a newcomer sees on a fresh install (`make run` loads it), so
these tests pin the facts carried over from the source articles (the tracks,
the Talent.com salary bands, the certifications, the Kaggle tiers) and the
properties that keep it loadable: natural keys only, idempotent reloads and a
faithful dumpdata/loaddata round trip. The choice groups and default
checklists have their own file, test_seed_groups_and_checklists.py.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils.html import escape

from tracker.models import (
    CareerLevel,
    CareerTrack,
    Category,
    ChecklistItem,
    ChoiceGroup,
    LadderStep,
    Milestone,
    Resource,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "careerplan.json"

MLE = "machine-learning-engineer"
TOP_LEVEL = {"data-scientist", MLE, "data-engineer", "mlops-engineer", "ml-researcher"}
SPECIALISATIONS = {"research-mle", "product-mle", "systems-mle", "data-centric-mle", "startup-mle"}
ALL_TRACKS = TOP_LEVEL | SPECIALISATIONS

CONTENT_MODELS = [
    "tracker.careertrack",
    "tracker.careerlevel",
    "tracker.choicegroup",
    "tracker.milestone",
    "tracker.resource",
    "tracker.checklistitem",
    "tracker.ladderstep",
]
ASSOCIATE = "aws-certified-ml-engineer-associate"


@pytest.fixture(scope="class")
def _seed_loaded_once(django_db_setup, django_db_blocker):
    """Load the seed once per test class, inside a transaction rolled back after its last test.

    Loading with natural keys costs about 1,500 queries, so the read-only tests
    share one load; the loading tests further down, outside the class, still
    start from an empty database. Each test runs in its own savepoint (the
    ``db`` fixture nests inside this transaction), so nothing it writes leaks.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("loaddata", "careerplan", verbosity=0)
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seed(_seed_loaded_once, db):
    """The seed content, shared by the read-only tests (``seeded`` loads it afresh)."""


def content_counts() -> dict[str, int]:
    return {
        "tracks": CareerTrack.objects.count(),
        "levels": CareerLevel.objects.count(),
        "milestones": Milestone.objects.count(),
        "prerequisite_edges": Milestone.prerequisites.through.objects.count(),
        "resources": Resource.objects.count(),
        "steps": LadderStep.objects.count(),
        "groups": ChoiceGroup.objects.count(),
        "checklist_items": ChecklistItem.objects.count(),
    }


def content_snapshot() -> dict[str, dict]:
    """Every seeded value keyed by natural key, so rows compare across reloads whatever their pk.

    ``updated_at`` is left out: it records when a row was written, not what it says.
    """
    tracks = {
        t.slug: (
            t.name,
            t.summary,
            t.work_product,
            tuple(t.tools),
            t.se_skill,
            t.ml_knowledge,
            t.communication_weight,
            t.parent.slug if t.parent else None,
            t.is_published,
            t.order,
        )
        for t in CareerTrack.objects.select_related("parent")
    }
    levels = {
        (lv.track.slug, lv.slug): (
            lv.order,
            lv.title,
            lv.summary,
            lv.salary_min,
            lv.salary_max,
            lv.salary_currency,
            lv.salary_source,
            lv.salary_year,
        )
        for lv in CareerLevel.objects.select_related("track")
    }
    milestones = {
        m.slug: (
            m.title,
            m.description,
            m.category,
            m.effort_weeks,
            m.valid_for_months,
            m.is_active,
            tuple(sorted(p.slug for p in m.prerequisites.all())),
        )
        for m in Milestone.objects.prefetch_related("prerequisites")
    }
    resources = {(r.milestone.slug, r.url): (r.title, r.order) for r in Resource.objects.select_related("milestone")}
    steps = {
        (s.track.slug, s.milestone.slug): (
            s.level.natural_key() if s.level else None,
            s.order,
            s.choice_group.natural_key() if s.choice_group else None,
        )
        for s in LadderStep.objects.select_related("track", "milestone", "level__track", "choice_group__track")
    }
    groups = {g.natural_key(): (g.title, g.description, g.needs) for g in ChoiceGroup.objects.select_related("track")}
    items = {
        i.natural_key(): (i.title, i.order, i.owner_id, i.removed_at)
        for i in ChecklistItem.objects.select_related("milestone")
    }
    return {
        "tracks": tracks,
        "levels": levels,
        "milestones": milestones,
        "resources": resources,
        "steps": steps,
        "groups": groups,
        "checklist_items": items,
    }


def primary_keys() -> dict[str, dict]:
    return {
        "tracks": dict(CareerTrack.objects.values_list("slug", "pk")),
        "milestones": dict(Milestone.objects.values_list("slug", "pk")),
        "levels": {lv.natural_key(): lv.pk for lv in CareerLevel.objects.select_related("track")},
        "resources": {r.natural_key(): r.pk for r in Resource.objects.select_related("milestone")},
        "steps": {s.natural_key(): s.pk for s in LadderStep.objects.select_related("track", "milestone")},
        "groups": {g.natural_key(): g.pk for g in ChoiceGroup.objects.select_related("track")},
        "checklist_items": {i.natural_key(): i.pk for i in ChecklistItem.objects.select_related("milestone")},
    }


def track_slugs_by_milestone() -> dict[str, set[str]]:
    listed: dict[str, set[str]] = defaultdict(set)
    for track_slug, milestone_slug in LadderStep.objects.values_list("track__slug", "milestone__slug"):
        listed[milestone_slug].add(track_slug)
    return listed


# --------------------------------------------------------------------------
# The fixture file itself
# --------------------------------------------------------------------------


def test_fixture_file_uses_natural_keys_only_and_lists_objects_in_dependency_order():
    objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert all("pk" not in obj for obj in objects)

    models = [obj["model"] for obj in objects]
    first_seen = list(dict.fromkeys(models))
    assert first_seen == CONTENT_MODELS
    # Each model's objects form one block: no model comes back after another started.
    assert models == sorted(models, key=CONTENT_MODELS.index)

    tracks = [obj["fields"] for obj in objects if obj["model"] == "tracker.careertrack"]
    parents_done = False
    for fields in tracks:
        if fields["parent"] is not None:
            parents_done = True
        else:
            assert not parents_done, f"{fields['slug']} (a parent track) comes after a child track"

    seen: set[str] = set()
    for obj in objects:
        if obj["model"] != "tracker.milestone":
            continue
        fields = obj["fields"]
        for (prerequisite,) in fields["prerequisites"]:
            assert prerequisite in seen, f"{fields['slug']} needs {prerequisite}, which comes later in the file"
        seen.add(fields["slug"])


@pytest.mark.usefixtures("seed")
class TestSeedContent:
    """What the seed says. Read-only: the tests share one load of the fixture."""

    # --- Tracks ---

    def test_all_ten_tracks_are_present_and_published(self):
        assert set(CareerTrack.objects.values_list("slug", flat=True)) == ALL_TRACKS
        assert set(CareerTrack.objects.published().values_list("slug", flat=True)) == ALL_TRACKS
        names = dict(CareerTrack.objects.values_list("slug", "name"))
        assert names["mlops-engineer"] == "ML DevOps / MLOps Engineer"
        assert names["ml-researcher"] == "Machine Learning Researcher"
        assert names["research-mle"] == "Research MLE"
        assert names["product-mle"] == "Product MLE"
        assert names["systems-mle"] == "Systems MLE"
        assert names["data-centric-mle"] == "Data-Centric MLE"
        assert names["startup-mle"] == "Startup MLE"

    def test_the_five_specialisations_hang_under_the_machine_learning_engineer_track(self):
        mle = CareerTrack.objects.get(slug=MLE)
        assert set(mle.specialisations.values_list("slug", flat=True)) == SPECIALISATIONS
        assert set(CareerTrack.objects.filter(parent__isnull=True).values_list("slug", flat=True)) == TOP_LEVEL

    def test_tracks_are_ordered_with_each_specialisation_right_after_its_parent(self):
        slugs = list(CareerTrack.objects.values_list("slug", flat=True))  # Meta.ordering: order, name
        orders = list(CareerTrack.objects.values_list("order", flat=True))
        assert len(set(orders)) == len(orders), "two tracks share an order value"
        mle_at = slugs.index(MLE)
        assert set(slugs[mle_at + 1 : mle_at + 6]) == SPECIALISATIONS

    def test_every_track_says_what_it_delivers_and_which_tools_it_uses(self):
        for track in CareerTrack.objects.all():
            assert track.summary.strip(), track.slug
            assert track.work_product.strip(), track.slug
            assert isinstance(track.tools, list), track.slug
            assert len(track.tools) >= 3, track.slug
            assert all(isinstance(tool, str) and tool.strip() for tool in track.tools), track.slug
            assert len(set(track.tools)) == len(track.tools), f"{track.slug} lists a tool twice"
        tools = dict(CareerTrack.objects.values_list("slug", "tools"))
        assert {"Apache Airflow", "Apache Hadoop"} <= set(tools["data-engineer"])
        assert "AWS Lambda" in tools["mlops-engineer"]

    def test_roles_sit_on_the_skills_map_as_the_role_comparison_places_them(self):
        place = {t.slug: (t.se_skill, t.ml_knowledge, t.communication_weight) for t in CareerTrack.objects.all()}
        for slug, values in place.items():
            assert all(1 <= v <= 5 for v in values), slug

        se = {slug: v[0] for slug, v in place.items()}
        ml = {slug: v[1] for slug, v in place.items()}
        talk = {slug: v[2] for slug, v in place.items()}
        # ML DevOps: mostly software engineering, little ML.
        assert se["mlops-engineer"] >= 4
        assert ml["mlops-engineer"] <= 2
        assert se["mlops-engineer"] == max(se[s] for s in TOP_LEVEL)
        assert ml["mlops-engineer"] == min(ml[s] for s in TOP_LEVEL)
        # Data engineer: software engineering for an ML customer, low to middling ML.
        assert se["data-engineer"] >= 4
        assert 2 <= ml["data-engineer"] <= 3
        # ML engineer: strong on both axes.
        assert se[MLE] >= 4
        assert ml[MLE] >= 4
        # Researcher: the most ML, less engineering than the ML engineer.
        assert ml["ml-researcher"] == 5
        assert se["ml-researcher"] < se[MLE]
        # Data scientist: in the middle on both.
        assert 2 <= se["data-scientist"] <= 4
        assert 2 <= ml["data-scientist"] <= 4
        # Communication and writing weigh most for data scientists and researchers.
        heaviest = max(talk.values())
        assert talk["data-scientist"] == talk["ml-researcher"] == heaviest
        assert all(talk[s] < heaviest for s in TOP_LEVEL - {"data-scientist", "ml-researcher"})

    # --- Ladders ---

    def test_every_track_shows_at_least_eight_steps(self):
        for track in CareerTrack.objects.all():
            assert track.visible_steps().count() >= 8, track.slug

    def test_each_track_ladder_has_a_distinct_order_for_every_step(self):
        orders_by_track: dict[str, list[int]] = defaultdict(list)
        for track_slug, order in LadderStep.objects.values_list("track__slug", "order"):
            orders_by_track[track_slug].append(order)
        for track_slug, orders in orders_by_track.items():
            assert len(set(orders)) == len(orders), f"{track_slug} has two steps at the same position"

    def test_the_tracks_together_use_every_milestone_category(self):
        used = set(LadderStep.objects.values_list("milestone__category", flat=True))
        assert used == set(Category.values)

    def test_every_prerequisite_comes_earlier_in_the_same_track(self):
        """A track never asks for a milestone whose prerequisite it does not show first."""
        for track in CareerTrack.objects.all():
            position = {step.milestone_id: step.order for step in track.visible_steps()}
            for step in track.visible_steps().prefetch_related("milestone__prerequisites"):
                for prerequisite in step.milestone.prerequisites.all():
                    assert prerequisite.pk in position, (
                        f"{track.slug}: {step.milestone.slug} needs {prerequisite.slug}, which the track does not list"
                    )
                    assert position[prerequisite.pk] < step.order, (
                        f"{track.slug}: {prerequisite.slug} comes after {step.milestone.slug}, which needs it"
                    )

    def test_the_prerequisite_graph_has_no_cycle(self):
        needs = {
            m.slug: {p.slug for p in m.prerequisites.all()} for m in Milestone.objects.prefetch_related("prerequisites")
        }
        done: set[str] = set()
        while needs:
            ready = {slug for slug, prereqs in needs.items() if prereqs <= done}
            assert ready, f"these milestones wait on each other: {sorted(needs)}"
            done |= ready
            for slug in ready:
                del needs[slug]

    def test_every_milestone_is_listed_by_at_least_one_track(self):
        listed = track_slugs_by_milestone()
        assert set(Milestone.objects.values_list("slug", flat=True)) == set(listed)

    def test_shared_milestones_are_single_rows_listed_by_several_tracks(self):
        listed = track_slugs_by_milestone()
        assert Milestone.objects.filter(slug="bachelors-degree").count() == 1
        assert len(listed["bachelors-degree"]) >= 4
        assert Milestone.objects.filter(title__icontains="bachelor").count() == 1
        assert Milestone.objects.filter(title__icontains="master's").count() == 1
        for slug in [
            "masters-degree",
            "phd",
            "aws-certified-ml",
            ASSOCIATE,
            "google-professional-ml-engineer",
            "kaggle-contributor",
            "kaggle-expert",
            "kaggle-master",
            "find-a-mentor",
            "mentor-others",
            "build-professional-network",
            "lead-a-team",
        ]:
            assert len(listed[slug]) >= 2, f"{slug} is listed by {sorted(listed[slug])} only"
        assert len(listed["find-a-mentor"]) == len(ALL_TRACKS)

    def test_ml_engineer_ladder_follows_the_steps_of_the_career_path(self):
        mle = CareerTrack.objects.get(slug=MLE)
        ladder = [step.milestone.slug for step in mle.visible_steps()]
        for slug in [
            "bachelors-degree",
            "exp-junior-software-engineer",
            "exp-data-analyst",
            "aws-certified-ml",
            ASSOCIATE,
            "google-professional-ml-engineer",
            "masters-degree",
            "build-professional-network",
            "domain-healthcare",
            "domain-finance",
            "domain-ecommerce",
            "lead-a-team",
            "find-a-mentor",
            "mentor-others",
        ]:
            assert slug in ladder, slug
        assert ladder.index("bachelors-degree") < ladder.index("aws-certified-ml") < ladder.index("masters-degree")
        # The certification to take now comes before the retired one it replaces.
        assert ladder.index(ASSOCIATE) < ladder.index("aws-certified-ml")
        assert ladder.index("masters-degree") < ladder.index("lead-a-team")

    # --------------------------------------------------------------------------
    # Career levels and salaries
    # --------------------------------------------------------------------------

    def test_ml_engineer_ladder_carries_the_talent_com_salary_bands(self):
        levels = CareerLevel.objects.filter(track__slug=MLE).order_by("order")
        assert list(
            levels.values_list(
                "slug", "title", "salary_min", "salary_max", "salary_currency", "salary_source", "salary_year"
            )
        ) == [
            ("junior-mle", "Junior ML Engineer", 84563, 109500, "USD", "Talent.com", 2023),
            ("mle", "ML Engineer", 124998, 200000, "USD", "Talent.com", 2023),
            ("senior-mle", "Senior ML Engineer", 150000, 207863, "USD", "Talent.com", 2023),
            ("team-lead", "ML Team Lead", 172150, 212400, "USD", "Talent.com", 2023),
            ("director", "Director of ML", 187500, 237500, "USD", "Talent.com", 2023),
        ]
        assert all(level.summary.strip() for level in levels)

    def test_no_other_track_claims_a_salary_the_sources_do_not_give(self):
        others = CareerLevel.objects.exclude(track__slug=MLE)
        assert not others.filter(salary_min__isnull=False).exists()
        assert not others.filter(salary_max__isnull=False).exists()
        assert not others.exclude(salary_source="").exists()
        assert not others.filter(salary_year__isnull=False).exists()

    def test_every_ml_engineer_step_sits_on_one_of_its_levels_in_rising_order(self):
        mle = CareerTrack.objects.get(slug=MLE)
        steps = list(mle.visible_steps())
        assert all(step.level is not None and step.level.track_id == mle.pk for step in steps)
        level_orders = [step.level.order for step in steps]
        assert level_orders == sorted(level_orders)
        assert {step.level.slug for step in steps} == set(mle.levels.values_list("slug", flat=True))
        # Steps of other tracks never point at a level of another track.
        assert not LadderStep.objects.exclude(level__isnull=True).exclude(level__track=F("track")).exists()

    # --- Milestones ---

    def test_the_cloud_certifications_are_present_with_their_validity(self):
        """AWS and Google, as the career path names them; AWS's Specialty is marked retired beside its successor.

        AWS retired the Machine Learning Specialty exam on 31 March 2026:
        it stays for those who hold it, and the ML Engineer Associate is the
        AWS certification a newcomer can take.
        """
        aws = Milestone.objects.get(slug="aws-certified-ml")
        associate = Milestone.objects.get(slug=ASSOCIATE)
        google = Milestone.objects.get(slug="google-professional-ml-engineer")
        assert (aws.category, aws.valid_for_months) == (Category.CERTIFICATION, 36)
        assert (associate.category, associate.valid_for_months) == (Category.CERTIFICATION, 36)
        assert (google.category, google.valid_for_months) == (Category.CERTIFICATION, 24)
        assert "AWS Certified Machine Learning" in aws.title
        assert "(retired)" in aws.title
        assert "31 March 2026" in aws.description
        assert associate.title == "AWS Certified Machine Learning Engineer \N{EN DASH} Associate"
        assert "Professional Machine Learning Engineer" in google.title
        for cert in (aws, associate, google):
            assert 8 <= cert.effort_weeks <= 12
            assert cert.prerequisites.filter(category=Category.SKILL).exists(), f"{cert.slug} needs some ML skill first"
        assert set(Milestone.objects.filter(category=Category.CERTIFICATION).values_list("slug", flat=True)) == {
            "aws-certified-ml",
            ASSOCIATE,
            "google-professional-ml-engineer",
        }
        # Wherever the retired exam stands, its successor stands too.
        assert set(LadderStep.objects.filter(milestone=aws).values_list("track__slug", flat=True)) == set(
            LadderStep.objects.filter(milestone=associate).values_list("track__slug", flat=True)
        )

    def test_degrees_never_expire_and_build_on_the_bachelors(self):
        degrees = Milestone.objects.filter(category=Category.EDUCATION)
        assert set(degrees.values_list("slug", flat=True)) == {"bachelors-degree", "masters-degree", "phd"}
        assert not degrees.filter(valid_for_months__isnull=False).exists()
        bachelors = Milestone.objects.get(slug="bachelors-degree")
        assert bachelors.effort_weeks == 156
        assert not bachelors.prerequisites.exists()
        assert bachelors in Milestone.objects.get(slug="masters-degree").prerequisites.all()
        assert bachelors in Milestone.objects.get(slug="phd").prerequisites.all()

    def test_only_certifications_expire(self):
        expiring = Milestone.objects.filter(valid_for_months__isnull=False)
        assert set(expiring.values_list("category", flat=True)) == {Category.CERTIFICATION}

    def test_the_four_kaggle_tiers_are_chained_by_prerequisites(self):
        tiers = ["kaggle-contributor", "kaggle-expert", "kaggle-master", "kaggle-grandmaster"]
        kaggle = {
            m.slug: m for m in Milestone.objects.filter(category=Category.KAGGLE).prefetch_related("prerequisites")
        }
        assert set(kaggle) == set(tiers)
        assert not any(p.category == Category.KAGGLE for p in kaggle["kaggle-contributor"].prerequisites.all())
        for lower, higher in itertools.pairwise(tiers):
            kaggle_prereqs = [p.slug for p in kaggle[higher].prerequisites.all() if p.category == Category.KAGGLE]
            assert kaggle_prereqs == [lower], higher
        assert [kaggle[t].effort_weeks for t in tiers] == sorted(kaggle[t].effort_weeks for t in tiers)

    def test_leading_a_team_needs_experience_and_directing_needs_a_team(self):
        lead = Milestone.objects.get(slug="lead-a-team")
        assert lead.category == Category.LEADERSHIP
        assert lead.prerequisites.filter(category=Category.EXPERIENCE).exists()
        director = Milestone.objects.get(slug="own-ml-strategy")
        assert lead in director.prerequisites.all()

    def test_the_domain_specialisations_cover_healthcare_finance_and_ecommerce(self):
        assert set(Milestone.objects.filter(category=Category.SPECIALIZATION).values_list("slug", flat=True)) == {
            "domain-healthcare",
            "domain-finance",
            "domain-ecommerce",
        }

    def test_every_milestone_has_a_description_and_a_plausible_effort(self):
        for milestone in Milestone.objects.all():
            assert milestone.is_active, milestone.slug
            assert len(milestone.description.strip()) >= 40, milestone.slug
            assert 1 <= milestone.effort_weeks <= 260, milestone.slug
        titles = Counter(Milestone.objects.values_list("title", flat=True))
        assert all(count == 1 for count in titles.values()), [t for t, c in titles.items() if c > 1]

    # --- Resources ---

    def test_resources_are_https_links_spread_over_many_milestones(self):
        per_milestone = Counter(Resource.objects.values_list("milestone__slug", flat=True))
        assert len(per_milestone) >= 20
        assert all(1 <= n <= 2 for n in per_milestone.values())
        for resource in Resource.objects.all():
            assert resource.url.startswith("https://"), resource.url
            assert resource.title.strip()
        urls = set(Resource.objects.values_list("url", flat=True))
        assert {
            "https://aws.amazon.com/certification/certified-machine-learning-specialty/",
            "https://cloud.google.com/learn/certification/machine-learning-engineer",
            "https://www.kaggle.com/progression",
            "https://airflow.apache.org/docs/",
            "https://hadoop.apache.org/docs/stable/",
            "https://docs.aws.amazon.com/lambda/",
        } <= urls
        for tier in ["kaggle-contributor", "kaggle-expert", "kaggle-master", "kaggle-grandmaster"]:
            assert Resource.objects.filter(milestone__slug=tier, url="https://www.kaggle.com/progression").exists()

    # --- Validation ---

    def test_every_seeded_row_passes_model_validation(self):
        """Every row the fixture describes is in the database, and none fails full_clean()."""
        checked: Counter[str] = Counter()
        invalid: dict[str, dict] = {}
        for model in (CareerTrack, CareerLevel, ChoiceGroup, Milestone, Resource, ChecklistItem, LadderStep):
            for obj in model.objects.all():
                checked[model._meta.label_lower] += 1
                try:
                    obj.full_clean()
                except ValidationError as exc:
                    invalid[f"{model._meta.label_lower} {obj}"] = exc.message_dict
        assert invalid == {}
        assert checked == Counter(obj["model"] for obj in json.loads(FIXTURE.read_text(encoding="utf-8")))

    def test_each_track_page_opens_at_its_slug_and_shows_its_ladder(self, client):
        """/tracks/<slug>/ of every seeded track shows the track's name and every milestone on its ladder."""
        for slug in sorted(ALL_TRACKS):
            track = CareerTrack.objects.get(slug=slug)
            assert track.get_absolute_url() == f"/tracks/{slug}/"
            response = client.get(f"/tracks/{slug}/")
            assert response.status_code == 200, slug
            page = response.content.decode()
            assert escape(track.name) in page, slug
            titles = [step.milestone.title for step in track.visible_steps().select_related("milestone")]
            assert len(titles) >= 8, slug
            missing = [title for title in titles if escape(title) not in page]
            assert not missing, f"{slug} does not show {missing}"


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def fixture_counts() -> dict[str, int]:
    """How many rows the fixture file describes, per model."""
    objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
    per_model = Counter(obj["model"] for obj in objects)
    return {
        "tracks": per_model["tracker.careertrack"],
        "levels": per_model["tracker.careerlevel"],
        "milestones": per_model["tracker.milestone"],
        "prerequisite_edges": sum(
            len(obj["fields"]["prerequisites"]) for obj in objects if obj["model"] == "tracker.milestone"
        ),
        "resources": per_model["tracker.resource"],
        "steps": per_model["tracker.ladderstep"],
        "groups": per_model["tracker.choicegroup"],
        "checklist_items": per_model["tracker.checklistitem"],
    }


def test_loading_the_fixture_a_second_time_changes_nothing(db):
    assert not any(content_counts().values()), "the database should start empty"
    call_command("loaddata", "careerplan", verbosity=0)
    counts, snapshot, pks = content_counts(), content_snapshot(), primary_keys()
    assert counts == fixture_counts()

    call_command("loaddata", "careerplan", verbosity=0)

    assert content_counts() == counts
    assert content_snapshot() == snapshot
    assert primary_keys() == pks


def test_an_edited_seed_row_is_restored_by_reloading(seeded):
    snapshot = content_snapshot()
    track = CareerTrack.objects.get(slug="data-engineer")
    track.summary = "Edited by hand."
    track.save()
    Milestone.objects.get(slug="kaggle-master").prerequisites.clear()

    call_command("loaddata", "careerplan", verbosity=0)

    assert content_snapshot() == snapshot


def test_dumpdata_then_loaddata_round_trip_restores_the_same_content(seeded, tmp_path):
    counts, snapshot = content_counts(), content_snapshot()
    dump = tmp_path / "content.json"
    call_command(
        "dumpdata",
        *CONTENT_MODELS,
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    assert all("pk" not in obj for obj in json.loads(dump.read_text(encoding="utf-8")))

    LadderStep.objects.all().delete()
    Resource.objects.all().delete()
    ChecklistItem.objects.all().delete()
    ChoiceGroup.objects.all().delete()
    Milestone.objects.all().delete()
    CareerLevel.objects.all().delete()
    CareerTrack.objects.filter(parent__isnull=False).delete()  # parent is PROTECT: children first
    CareerTrack.objects.all().delete()
    assert not any(content_counts().values())

    call_command("loaddata", str(dump), verbosity=0)

    assert content_counts() == counts
    assert content_snapshot() == snapshot
