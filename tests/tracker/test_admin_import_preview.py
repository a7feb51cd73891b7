"""Importing a track in the admin: the editor sees what will be added, changed and removed, then confirms."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import CareerLevelFactory, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.content_io import ADDED, CHANGED, REMOVED, export_track, import_content
from tracker.models import CareerLevel, CareerTrack, LadderStep, Milestone

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:tracker_careertrack_import")


@pytest.fixture
def editor_client(client):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    return client


@pytest.fixture
def track():
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior", order=1)
    CareerLevelFactory(track=track, slug="senior", title="Senior", order=2)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="sql", title="SQL"), level=junior, order=1)
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="spark", title="Spark"), level=junior, order=2)
    return track


def edited_export(track) -> bytes:
    """The track's export with SQL renamed, the Spark step and the Senior level dropped, and dbt added."""
    objects = json.loads(export_track(track))
    kept = []
    for obj in objects:
        fields = obj["fields"]
        if obj["model"] == "tracker.milestone" and fields["slug"] == "sql":
            fields["title"] = "SQL, window functions included"
        if obj["model"] == "tracker.ladderstep" and fields["milestone"] == ["spark"]:
            continue
        if obj["model"] == "tracker.careerlevel" and fields["slug"] == "senior":
            continue
        kept.append(obj)
    dbt = next(o for o in objects if o["model"] == "tracker.milestone" and o["fields"]["slug"] == "sql")
    kept.append({"model": "tracker.milestone", "fields": {**dbt["fields"], "slug": "dbt", "title": "dbt"}})
    kept.append(
        {
            "model": "tracker.ladderstep",
            "fields": {
                "track": ["data-engineer"],
                "milestone": ["dbt"],
                "level": ["data-engineer", "junior"],
                "order": 3,
            },
        }
    )
    return json.dumps(kept).encode()


def upload(client, content: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("track.json", content, content_type="application/json")})


def test_a_preview_lists_what_would_be_added_changed_and_removed_and_changes_nothing(track):
    """import_content(preview=True) does the whole import and rolls it back."""
    result = import_content(edited_export(track), preview=True)
    assert [(c.kind, c.label) for c in result.of(ADDED)] == [
        ("milestone", "dbt"),
        ("ladder step", "Data Engineer: dbt"),
    ]
    assert [(c.kind, c.label, c.fields) for c in result.of(CHANGED)] == [
        ("milestone", "SQL, window functions included", ("title",))
    ]
    assert sorted((c.kind, c.label) for c in result.of(REMOVED)) == [
        ("career level", "Data Engineer: Senior"),
        ("ladder step", "Data Engineer: Spark"),
    ]
    assert Milestone.objects.get(slug="sql").title == "SQL"
    assert not Milestone.objects.filter(slug="dbt").exists()
    assert LadderStep.objects.filter(track=track).count() == 2
    assert CareerLevel.objects.filter(track=track).count() == 2


def test_the_upload_shows_the_preview_and_nothing_is_applied_before_confirming(editor_client, track):
    response = upload(editor_client, edited_export(track))
    assert response.status_code == 200
    page = response.content.decode()
    added = page[page.index('data-testid="import-added"') : page.index('data-testid="import-changed"')]
    changed = page[page.index('data-testid="import-changed"') : page.index('data-testid="import-removed"')]
    removed = page[page.index('data-testid="import-removed"') :]
    assert "Added: 2" in added
    assert "Data Engineer: dbt" in added
    assert "SQL, window functions included" in changed
    assert "(title)" in changed
    assert "Removed: 2" in removed
    assert "Data Engineer: Spark" in removed
    assert "Data Engineer: Senior" in removed
    assert "Apply these changes" in page
    assert Milestone.objects.get(slug="sql").title == "SQL"
    assert LadderStep.objects.filter(track=track).count() == 2


def test_confirming_applies_exactly_what_was_previewed(editor_client, track):
    preview = upload(editor_client, edited_export(track))
    response = editor_client.post(IMPORT, {"_confirm": "1", "sha256": preview.context["sha256"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_careertrack_changelist")
    assert Milestone.objects.get(slug="sql").title == "SQL, window functions included"
    assert sorted(LadderStep.objects.filter(track=track).values_list("milestone__slug", flat=True)) == ["dbt", "sql"]
    assert list(CareerLevel.objects.filter(track=track).values_list("slug", flat=True)) == ["junior"]
    page = editor_client.get(response["Location"]).content.decode()
    assert "Imported data-engineer: created" in page


def test_a_confirmation_without_its_preview_applies_nothing(editor_client, track):
    """A stale or forged confirmation (another tab's, a second click) is sent back to the upload form."""
    preview = upload(editor_client, edited_export(track))
    digest = preview.context["sha256"]
    wrong = editor_client.post(IMPORT, {"_confirm": "1", "sha256": "0" * 64})
    assert wrong.status_code == 302
    assert wrong["Location"] == IMPORT
    assert Milestone.objects.get(slug="sql").title == "SQL"
    # The preview was used up by the wrong confirmation too: upload again.
    assert editor_client.post(IMPORT, {"_confirm": "1", "sha256": digest}).status_code == 302
    assert Milestone.objects.get(slug="sql").title == "SQL"
    assert "no longer current" in editor_client.get(IMPORT).content.decode()


def test_an_identical_file_says_nothing_would_change_and_offers_no_confirmation(editor_client, track):
    response = upload(editor_client, export_track(track).encode())
    page = response.content.decode()
    assert 'data-testid="import-nothing"' in page
    assert "Apply these changes" not in page


def test_a_bad_file_is_refused_at_the_preview_with_its_problem(editor_client, track):
    response = upload(editor_client, b"{not json")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is not valid JSON" in page
    assert "nothing was changed" in page
    assert CareerTrack.objects.count() == 1
