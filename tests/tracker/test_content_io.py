"""Export and import of a track's content (tracker.content_io and the admin's import view)."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    ChoiceGroupFactory,
    LadderStepFactory,
    MilestoneFactory,
    ResourceFactory,
    UserFactory,
)
from tracker.content_io import ContentImportError, export_track, export_tracks, import_content
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

CONTENT = (CareerTrack, CareerLevel, ChoiceGroup, Milestone, Resource, ChecklistItem, LadderStep)


def snapshot(*, timestamps=False):
    """All content, by natural keys only (no ids), so two databases compare equal.

    Checklist items are the editors' ones: a person's own items are not content.
    """
    out = {}
    for model in CONTENT:
        rows = []
        objects = ChecklistItem.objects.defaults() if model is ChecklistItem else model.objects.all()
        for obj in objects:
            row = {}
            for field in model._meta.concrete_fields:
                # A row's version counts its writes in this database, like its timestamps.
                if field.primary_key or (field.name in ("created_at", "updated_at", "version") and not timestamps):
                    continue
                value = getattr(obj, field.name)
                row[field.name] = value.natural_key() if field.is_relation and value is not None else value
            if model is Milestone:
                row["prerequisites"] = sorted(p.slug for p in obj.prerequisites.all())
            rows.append(row)
        out[model.__name__] = sorted(rows, key=repr)
    return out


def empty_content():
    LadderStep.objects.all().delete()
    ChoiceGroup.objects.all().delete()
    CareerLevel.objects.all().delete()
    Resource.objects.all().delete()
    Milestone.objects.all().delete()
    CareerTrack.objects.exclude(parent=None).delete()
    CareerTrack.objects.all().delete()


@pytest.fixture
def track(db):
    """A track with two levels, three steps and a choice group of two of them; one milestone needs another
    outside the track, which itself has a resource; the certification has a default checklist, and someone's
    own item besides."""
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer", tools=["SQL", "Airflow"], order=2)
    junior = CareerLevelFactory(
        track=track, slug="junior", title="Junior", order=1, salary_min=50_000, salary_max=70_000, salary_currency="EUR"
    )
    senior = CareerLevelFactory(track=track, slug="senior", title="Senior", order=2)
    outside = MilestoneFactory(slug="python-basics", title="Python basics", category=Category.SKILL)
    ResourceFactory(milestone=outside, title="The tutorial", url="https://docs.python.org/3/tutorial/")
    sql = MilestoneFactory(slug="sql", title="SQL", category=Category.SKILL, valid_for_months=24)
    sql.prerequisites.add(outside)
    pipelines = MilestoneFactory(slug="pipelines", title="Batch pipelines", category=Category.PROJECT)
    pipelines.prerequisites.add(sql)
    cert = MilestoneFactory(slug="gcp-de", title="GCP Data Engineer", category=Category.CERTIFICATION)
    ResourceFactory(
        milestone=cert, title="Exam guide", url="https://cloud.google.com/learn/certification/data-engineer"
    )
    proof = ChoiceGroupFactory(
        track=track, slug="proof", title="One proof of pipeline work", description="Either shows it.", needs=1
    )
    LadderStepFactory(track=track, milestone=sql, level=junior, order=1)
    LadderStepFactory(track=track, milestone=pipelines, level=junior, order=2, choice_group=proof)
    LadderStepFactory(track=track, milestone=cert, level=senior, order=3, choice_group=proof)
    ChecklistItem.objects.create(milestone=cert, slug="exam-guide", title="Read the exam guide", order=1)
    ChecklistItem.objects.create(milestone=cert, slug="book-exam", title="Book the exam", order=2)
    ChecklistItem.objects.create(milestone=cert, owner=UserFactory(), title="My own reminder", order=3)
    # Content of another track, which an export of this one must not carry.
    other = CareerTrackFactory(slug="ml-engineer", name="ML Engineer")
    algebra = MilestoneFactory(slug="linear-algebra", title="Linear algebra")
    LadderStepFactory(track=other, milestone=algebra, choice_group=ChoiceGroupFactory(track=other, slug="maths"))
    ChecklistItem.objects.create(milestone=algebra, slug="course", title="Take a course", order=1)
    return track


def test_export_holds_the_track_its_levels_steps_milestones_with_prerequisites_and_resources(track):
    """And the track's choice groups, each step's group, and the default checklists of its milestones."""
    objects = json.loads(export_track(track))

    assert [o["model"] for o in objects] == [
        "tracker.careertrack",
        *["tracker.careerlevel"] * 2,
        "tracker.choicegroup",
        *["tracker.milestone"] * 4,
        *["tracker.resource"] * 2,
        *["tracker.checklistitem"] * 2,
        *["tracker.ladderstep"] * 3,
    ], "each model in one block, every object after what it refers to"
    assert all("pk" not in o for o in objects), "natural primary keys replace ids"
    milestones = {o["fields"]["slug"]: o["fields"] for o in objects if o["model"] == "tracker.milestone"}
    # The track's three milestones plus the prerequisite outside the track; not the other track's.
    assert set(milestones) == {"sql", "pipelines", "gcp-de", "python-basics"}
    assert milestones["pipelines"]["prerequisites"] == [["sql"]]
    steps = [o["fields"] for o in objects if o["model"] == "tracker.ladderstep"]
    assert {
        "track": ["data-engineer"],
        "milestone": ["sql"],
        "level": ["data-engineer", "junior"],
        "order": 1,
        "choice_group": None,
    } in steps
    assert {
        "track": ["data-engineer"],
        "milestone": ["gcp-de"],
        "level": ["data-engineer", "senior"],
        "order": 3,
        "choice_group": ["data-engineer", "proof"],
    } in steps
    assert [o["fields"]["slug"] for o in objects if o["model"] == "tracker.careertrack"] == ["data-engineer"]
    groups = [o["fields"] for o in objects if o["model"] == "tracker.choicegroup"]
    assert [(g["track"], g["slug"], g["title"], g["description"], g["needs"]) for g in groups] == [
        (["data-engineer"], "proof", "One proof of pipeline work", "Either shows it.", 1)
    ]
    items = [o["fields"] for o in objects if o["model"] == "tracker.checklistitem"]
    # The editors' items of the track's milestones; never someone's own, nor another track's.
    assert [(i["milestone"], i["slug"], i["title"], i["order"], i["owner"]) for i in items] == [
        (["gcp-de"], "exam-guide", "Read the exam guide", 1, None),
        (["gcp-de"], "book-exam", "Book the exam", 2, None),
    ]
    assert "My own reminder" not in json.dumps(objects)
    assert len([o for o in objects if o["model"] == "tracker.resource"]) == 2


def test_export_imported_into_an_emptied_database_recreates_the_same_content(track):
    before = snapshot()
    before = {
        name: [r for r in rows if "ml-engineer" not in repr(r) and "linear-algebra" not in repr(r)]
        for name, rows in before.items()
    }
    exported = export_track(track)
    empty_content()
    assert not CareerTrack.objects.exists()

    result = import_content(exported)

    assert snapshot() == before
    assert result.tracks == ["data-engineer"]
    assert result.created == {
        "career tracks": 1,
        "career levels": 2,
        "choice groups": 1,
        "milestones": 4,
        "resources": 2,
        "checklist items": 2,
        "ladder steps": 3,
    }
    assert not result.updated
    assert not result.deleted


def test_importing_the_same_export_twice_changes_nothing(track):
    exported = export_track(track)
    empty_content()
    import_content(exported)
    before = snapshot(timestamps=True)

    result = import_content(exported)

    assert snapshot(timestamps=True) == before, "not even updated_at moves"
    assert not result.changed
    assert result.unchanged == 15
    assert "nothing changed" in result.summary()


def test_importing_over_existing_content_updates_it_and_drops_what_the_file_no_longer_lists(track):
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.milestone" and obj["fields"]["slug"] == "sql":
            obj["fields"]["title"] = "SQL, properly"
            obj["fields"]["prerequisites"] = []
    objects = [
        o
        for o in objects
        if not (o["model"] in ("tracker.ladderstep", "tracker.resource") and o["fields"]["milestone"] == ["gcp-de"])
    ]

    result = import_content(json.dumps(objects))

    sql = Milestone.objects.get(slug="sql")
    assert sql.title == "SQL, properly"
    assert not sql.prerequisites.exists()
    assert list(track.steps.values_list("milestone__slug", flat=True)) == ["sql", "pipelines"]
    assert not Resource.objects.filter(milestone__slug="gcp-de").exists()
    assert Milestone.objects.filter(slug="gcp-de").exists(), "milestones are shared and never deleted"
    assert result.updated == {"milestones": 1}
    # gcp-de is still in the file, without its resource: the file is the truth.
    assert result.deleted == {"ladder steps": 1, "resources": 1}
    # The other track is untouched.
    assert CareerTrack.objects.get(slug="ml-engineer").steps.count() == 1


def test_a_specialisation_and_its_parent_exported_together_import_into_an_empty_database(db):
    parent = CareerTrackFactory(slug="ml-engineer", name="ML Engineer")
    child = CareerTrackFactory(slug="nlp-engineer", name="NLP Engineer", parent=parent)
    LadderStepFactory(track=child, milestone=MilestoneFactory(slug="transformers"))
    exported = export_tracks([child, parent])
    before = snapshot()
    empty_content()

    import_content(exported)

    assert snapshot() == before
    assert CareerTrack.objects.get(slug="nlp-engineer").parent.slug == "ml-engineer"


def test_prerequisite_chains_can_be_reversed_by_an_import(db):
    first = MilestoneFactory(slug="first")
    second = MilestoneFactory(slug="second")
    second.prerequisites.add(first)
    track = CareerTrackFactory(slug="t")
    LadderStepFactory(track=track, milestone=first)
    LadderStepFactory(track=track, milestone=second)
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.milestone":
            obj["fields"]["prerequisites"] = [["second"]] if obj["fields"]["slug"] == "first" else []

    import_content(json.dumps(objects))

    assert list(first.prerequisites.values_list("slug", flat=True)) == ["second"]
    assert not second.prerequisites.exists()


def edit(objects, model, key, **fields):
    """Change the fields of the object of ``model`` whose slug (or milestone/slug) is ``key``."""
    for obj in objects:
        f = obj["fields"]
        if obj["model"] == model and key in (f.get("slug"), (f.get("milestone") or [None])[0]):
            f.update(fields)
    return objects


def test_importing_drops_the_groups_and_default_items_the_file_no_longer_lists_and_keeps_people_s_own(track):
    """The file is the truth for a track's groups and its milestones' default checklists, never for own items."""
    cert = Milestone.objects.get(slug="gcp-de")
    guide = ChecklistItem.objects.get(milestone=cert, slug="exam-guide")
    own = ChecklistItem.objects.get(milestone=cert, owner__isnull=False)
    ChecklistTick.objects.create(user=own.owner, item=own, done=True)
    objects = json.loads(export_track(track))
    objects = [
        o
        for o in objects
        if o["model"] != "tracker.choicegroup"
        and not (o["model"] == "tracker.checklistitem" and o["fields"]["slug"] == "book-exam")
    ]
    for obj in objects:
        if obj["model"] == "tracker.ladderstep":
            obj["fields"]["choice_group"] = None
    edit(objects, "tracker.checklistitem", "gcp-de", title="Read the whole exam guide")

    result = import_content(json.dumps(objects))

    assert not ChoiceGroup.objects.filter(track=track).exists()
    assert not track.steps.filter(choice_group__isnull=False).exists()
    assert list(ChecklistItem.objects.defaults().filter(milestone=cert).values_list("slug", "title")) == [
        ("exam-guide", "Read the whole exam guide")
    ]
    updated = ChecklistItem.objects.get(pk=guide.pk)
    assert updated.created_at == guide.created_at, "an update keeps when the item was first written"
    assert updated.updated_at > guide.updated_at
    own.refresh_from_db()
    assert own.title == "My own reminder"
    assert ChecklistTick.objects.filter(item=own, done=True).exists()
    assert result.deleted == {"choice groups": 1, "checklist items": 1}
    assert result.updated == {"checklist items": 1, "ladder steps": 2}
    # Another track's group and another milestone's items are not this file's business.
    assert ChoiceGroup.objects.filter(track__slug="ml-engineer").exists()
    assert ChecklistItem.objects.filter(milestone__slug="linear-algebra").exists()


def test_an_import_creates_and_updates_groups_and_items_by_natural_key(track):
    """A group is found by (track, slug) and an item by (milestone, slug): their ids, and so people's ticks, stay."""
    group = ChoiceGroup.objects.get(slug="proof")
    guide = ChecklistItem.objects.get(slug="exam-guide")
    tick = ChecklistTick.objects.create(user=UserFactory(), item=guide, done=True)
    objects = json.loads(export_track(track))
    edit(objects, "tracker.choicegroup", "proof", needs=2, description="Both, for this one.")
    objects.append(
        {
            "model": "tracker.checklistitem",
            "fields": {"milestone": ["gcp-de"], "slug": "pass", "title": "Pass the exam", "order": 3},
        }
    )

    result = import_content(json.dumps(objects))

    group.refresh_from_db()
    assert (group.needs, group.description) == (2, "Both, for this one.")
    assert ChecklistItem.objects.get(milestone__slug="gcp-de", slug="pass").owner is None
    assert ChecklistItem.objects.get(slug="exam-guide").pk == guide.pk
    assert ChecklistTick.objects.get(pk=tick.pk).item_id == guide.pk
    assert result.updated == {"choice groups": 1}
    assert result.created == {"checklist items": 1}


def test_an_import_without_mirroring_creates_and_updates_but_deletes_nothing(track):
    """How ``seed_content --update`` loads: what the file lacks stays as editors left it."""
    objects = json.loads(export_track(track))
    objects = [o for o in objects if o["model"] not in ("tracker.choicegroup", "tracker.checklistitem")]
    objects = [o for o in objects if not (o["model"] == "tracker.ladderstep" and o["fields"]["milestone"] == ["sql"])]
    for obj in objects:
        if obj["model"] == "tracker.ladderstep":
            obj["fields"]["choice_group"] = None
    edit(objects, "tracker.careertrack", "data-engineer", name="Data Engineer (renamed)")

    result = import_content(json.dumps(objects), mirror=False)

    assert CareerTrack.objects.get(slug="data-engineer").name == "Data Engineer (renamed)"
    assert ChoiceGroup.objects.filter(track=track, slug="proof").exists()
    assert ChecklistItem.objects.defaults().filter(milestone__slug="gcp-de").count() == 2
    assert track.steps.filter(milestone__slug="sql").exists()
    assert not result.deleted


# --- refusals: a clear message, and nothing changed ------------------------


def assert_refused(text, *fragments):
    before = snapshot(timestamps=True)
    with pytest.raises(ContentImportError) as caught:
        import_content(text)
    message = " ".join(caught.value.messages)
    for fragment in fragments:
        assert fragment in message
    assert snapshot(timestamps=True) == before
    return message


def test_malformed_json_is_refused_with_its_position(track):
    text = export_track(track)[:-20]
    message = assert_refused(text, "not valid JSON")
    assert "line" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{}", "JSON list"),
        ("[]", "no objects"),
        ('[{"model": "accounts.user", "fields": {"email": "x@example.com"}}]', "only content can be imported"),
        ('[{"model": "tracker.enrollment", "fields": {}}]', "only content can be imported"),
        ('["hello"]', "is not an object"),
        ("[" * 100_000, "nested far too deeply"),
        ('[{"model": "tracker.milestone", "fields": {"slug": "x", "colour": "red"}}]', "unknown field 'colour'"),
        ('[{"model": "tracker.careerlevel", "fields": {"track": 3, "slug": "x"}}]', "natural key"),
    ],
)
def test_files_that_are_not_track_exports_are_refused(db, text, fragment):
    assert_refused(text, fragment)


def test_non_utf8_bytes_are_refused(db):
    assert_refused(b"\xff\xfe[not json", "not UTF-8")


def test_a_step_naming_an_unknown_milestone_is_refused_and_nothing_is_written(track):
    objects = json.loads(export_track(track))
    objects = [o for o in objects if not (o["model"] == "tracker.milestone" and o["fields"]["slug"] == "gcp-de")]
    for obj in objects:
        if obj["model"] == "tracker.careertrack":
            obj["fields"]["slug"] = "brand-new"
        for name in ("track",):
            if obj["fields"].get(name) == ["data-engineer"]:
                obj["fields"][name] = ["brand-new"]
        if obj["model"] == "tracker.ladderstep" and obj["fields"]["level"]:
            obj["fields"]["level"] = ["brand-new", obj["fields"]["level"][1]]
    Milestone.objects.filter(slug="gcp-de").update(slug="renamed")

    assert_refused(json.dumps(objects), "milestone 'gcp-de'", "neither in the file nor in this database")
    assert not CareerTrack.objects.filter(slug="brand-new").exists()


def test_levels_and_steps_of_an_unknown_track_are_refused(track):
    text = json.dumps(
        [
            {"model": "tracker.careerlevel", "fields": {"track": ["nowhere"], "slug": "junior", "title": "Junior"}},
            {"model": "tracker.ladderstep", "fields": {"track": ["nowhere"], "milestone": ["sql"], "order": 1}},
        ]
    )
    assert_refused(text, "track 'nowhere'")


def test_a_specialisation_whose_parent_is_missing_is_refused(db):
    parent = CareerTrackFactory(slug="ml-engineer")
    child = CareerTrackFactory(slug="nlp-engineer", parent=parent)
    exported = export_track(child)
    empty_content()

    assert_refused(exported, "track 'ml-engineer'")


def test_invalid_values_are_refused_and_earlier_objects_rolled_back(track):
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.careertrack":
            obj["fields"]["name"] = "Renamed first"
        if obj["model"] == "tracker.resource":
            obj["fields"]["url"] = "not a url"
            break

    message = assert_refused(json.dumps(objects), "resource", "url")
    assert "Enter a valid URL" in message
    assert CareerTrack.objects.get(slug="data-engineer").name == "Data Engineer"


def test_a_value_of_the_wrong_type_is_refused(track):
    objects = json.loads(export_track(track))
    objects[0]["fields"]["se_skill"] = "very"
    assert_refused(json.dumps(objects), "track 'data-engineer'", "must be an integer")


def test_out_of_range_scale_is_refused(track):
    objects = json.loads(export_track(track))
    objects[0]["fields"]["se_skill"] = 9
    assert_refused(json.dumps(objects), "se_skill", "less than or equal to 5")


def test_a_prerequisite_loop_in_the_file_is_refused(track):
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.milestone" and obj["fields"]["slug"] == "python-basics":
            obj["fields"]["prerequisites"] = [["pipelines"]]

    assert_refused(json.dumps(objects), "loop")


def test_a_person_s_own_checklist_item_in_a_file_is_refused_like_users_and_progress(track):
    objects = json.loads(export_track(track))
    objects.append(
        {
            "model": "tracker.checklistitem",
            "fields": {"milestone": ["gcp-de"], "owner": ["someone@example.com"], "slug": "x", "title": "Mine"},
        }
    )
    assert_refused(json.dumps(objects), "tracker.checklistitem", "person's own checklist item", "never imported")


def test_a_removed_checklist_item_in_a_file_is_refused(track):
    objects = json.loads(export_track(track))
    edit(objects, "tracker.checklistitem", "gcp-de", removed_at="2026-11-01T00:00:00Z")
    assert_refused(json.dumps(objects), "removed checklist item")


def test_a_checklist_item_without_a_slug_is_refused(track):
    objects = json.loads(export_track(track))
    edit(objects, "tracker.checklistitem", "gcp-de", slug="")
    assert_refused(json.dumps(objects), "'slug' is required")


def test_a_step_in_a_choice_group_of_another_track_is_refused_and_says_why(track):
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.ladderstep" and obj["fields"]["milestone"] == ["sql"]:
            obj["fields"]["choice_group"] = ["ml-engineer", "maths"]

    assert_refused(
        json.dumps(objects),
        "ladder step 'data-engineer/sql'",
        "choice group 'ml-engineer/maths' of another track",
        "must belong to the step's own track ('data-engineer')",
    )


def test_a_step_naming_an_unknown_choice_group_is_refused(track):
    objects = json.loads(export_track(track))
    for obj in objects:
        if obj["model"] == "tracker.ladderstep" and obj["fields"]["milestone"] == ["sql"]:
            obj["fields"]["choice_group"] = ["data-engineer", "no-such-group"]

    assert_refused(json.dumps(objects), "choice group 'data-engineer/no-such-group'", "neither in the file nor")


def test_a_group_needing_no_step_is_refused(track):
    objects = json.loads(export_track(track))
    edit(objects, "tracker.choicegroup", "proof", needs=0)
    assert_refused(json.dumps(objects), "choice group 'data-engineer/proof'", "greater than or equal to 1")


def test_a_repeated_object_is_refused(track):
    objects = json.loads(export_track(track))
    assert_refused(json.dumps([*objects, objects[-1]]), "repeats")


# --- the admin's import view ----------------------------------------------


@pytest.fixture
def editor_client(client, db):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    return client


def upload(client, content, name="track.json"):
    return client.post(
        reverse("admin:tracker_careertrack_import"),
        {"file": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def test_the_admin_import_view_shows_an_upload_form(editor_client):
    response = editor_client.get(reverse("admin:tracker_careertrack_import"))
    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_the_admin_import_view_imports_an_export_and_says_what_it_did(editor_client, track):
    exported = export_track(track).encode()
    empty_content()

    preview = upload(editor_client, exported)
    assert preview.status_code == 200
    assert not CareerTrack.objects.exists(), "the upload only previews"
    response = editor_client.post(
        reverse("admin:tracker_careertrack_import"), {"_confirm": "1", "sha256": preview.context["sha256"]}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_careertrack_changelist")
    assert CareerTrack.objects.get(slug="data-engineer").steps.count() == 3
    page = editor_client.get(response["Location"])
    assert "Imported data-engineer: created" in page.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The file is not valid JSON"),
        (
            b'[{"model": "tracker.ladderstep", "fields": {"track": ["nope"], "milestone": ["sql"]}}]',
            "refers to track &#x27;nope&#x27;, which is neither in the file nor in this database",
        ),
    ],
)
def test_the_admin_import_view_shows_a_bad_file_s_problem_instead_of_failing(editor_client, track, content, message):
    before = snapshot(timestamps=True)

    response = upload(editor_client, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "nothing was changed" in page
    assert snapshot(timestamps=True) == before


def test_the_admin_import_view_needs_a_file(editor_client):
    response = editor_client.post(reverse("admin:tracker_careertrack_import"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_admin_import_view_is_refused_to_support_staff(client, db):
    support = UserFactory(email="support@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support staff"))
    client.force_login(support)
    assert client.get(reverse("admin:tracker_careertrack_import")).status_code == 403
    assert upload(client, b"[]").status_code == 403
