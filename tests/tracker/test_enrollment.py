import pytest
from django.db import IntegrityError

from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory
from tracker.models import Enrollment, EnrollmentStatus, MilestoneProgress


@pytest.fixture
def track(db):
    track = CareerTrackFactory()
    LadderStepFactory.create_batch(5, track=track)
    return track


def test_enrolling_twice_returns_the_same_enrollment(owner, track):
    first, _ = Enrollment.objects.enroll(owner, track)
    second, _ = Enrollment.objects.enroll(owner, track)
    assert first.pk == second.pk
    assert Enrollment.objects.filter(user=owner, track=track).count() == 1


def test_enrolling_creates_no_row_per_milestone(owner, track, django_assert_max_num_queries):
    # Look-up, savepoint, insert, release: however many steps the track has.
    with django_assert_max_num_queries(4):
        Enrollment.objects.enroll(owner, track)
    assert MilestoneProgress.objects.filter(user=owner).count() == 0


def test_enrolling_resumes_a_paused_enrollment(owner, track):
    paused = EnrollmentFactory(user=owner, track=track, status=EnrollmentStatus.PAUSED)
    again, _ = Enrollment.objects.enroll(owner, track)
    assert again.pk == paused.pk
    assert again.status == EnrollmentStatus.ACTIVE


def test_enrolling_after_archiving_starts_a_new_enrollment_and_keeps_the_old(owner, track):
    old = EnrollmentFactory(user=owner, track=track, status=EnrollmentStatus.ARCHIVED)
    new, _ = Enrollment.objects.enroll(owner, track)
    assert new.pk != old.pk
    assert set(Enrollment.objects.filter(user=owner).values_list("status", flat=True)) == {"archived", "active"}


def test_the_database_refuses_a_second_active_enrollment(owner, track):
    EnrollmentFactory(user=owner, track=track)
    with pytest.raises(IntegrityError):
        EnrollmentFactory(user=owner, track=track)


def test_sharing_gives_an_unguessable_token_that_revoking_removes(owner, track):
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    assert enrollment.share_token is None
    token = enrollment.share()
    assert len(token) >= 40
    assert enrollment.share() == token
    enrollment.unshare()
    enrollment.refresh_from_db()
    assert enrollment.share_token is None


def test_completing_stamps_completed_at_and_resuming_clears_it(owner, track):
    enrollment, _ = Enrollment.objects.enroll(owner, track)
    enrollment.change_status(EnrollmentStatus.COMPLETED)
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    assert enrollment.completed_at is not None
    enrollment.change_status(EnrollmentStatus.ACTIVE)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_at) == ("active", None)


def test_an_archived_enrollment_does_not_change_again(owner, track):
    from django.core.exceptions import ValidationError

    enrollment, _ = Enrollment.objects.enroll(owner, track)
    enrollment.change_status(EnrollmentStatus.ARCHIVED)
    with pytest.raises(ValidationError) as excinfo:
        enrollment.change_status(EnrollmentStatus.ACTIVE)
    assert "status" in excinfo.value.message_dict
    enrollment.refresh_from_db()
    assert enrollment.status == "archived"


def test_an_unknown_enrollment_status_is_refused_naming_the_field(owner, track):
    from django.core.exceptions import ValidationError

    enrollment, _ = Enrollment.objects.enroll(owner, track)
    with pytest.raises(ValidationError, match="Unknown status"):
        enrollment.change_status("finished")
