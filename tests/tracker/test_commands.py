from io import StringIO

from django.core.management import call_command

from tracker.models import CareerTrack, Milestone


def test_seed_content_fills_an_empty_catalogue(db):
    call_command("seed_content", verbosity=0)
    assert CareerTrack.objects.count() >= 10


def test_seed_content_leaves_editors_changes_alone(seeded):
    Milestone.objects.filter(slug="aws-certified-ml").update(title="AWS ML (edited)")
    out = StringIO()
    call_command("seed_content", stdout=out)
    assert "already present" in out.getvalue()
    assert Milestone.objects.get(slug="aws-certified-ml").title == "AWS ML (edited)"
