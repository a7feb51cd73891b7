"""The map of roles' geometry (tracker.rolefit) and the person's marks on it (growth.standing)."""

import math

from growth.models import SkillRating
from growth.standing import map_for
from tests.factories import CareerTrackFactory, EnrollmentFactory
from tracker.rolefit import map_point, role_map


def test_a_track_alone_on_its_point_is_drawn_on_it(db):
    track = CareerTrackFactory(se_skill=2, ml_knowledge=5)
    [bubble] = role_map([track])["bubbles"]
    assert (bubble.x, bubble.y) == (bubble.ax, bubble.ay) == map_point(2, 5)
    assert not bubble.offset


def test_tracks_sharing_a_point_are_spread_around_it_without_touching_and_keep_the_point(db):
    tracks = [CareerTrackFactory(se_skill=4, ml_knowledge=4, communication_weight=w) for w in (3, 4, 4)]
    drawing = role_map(tracks)
    bubbles = drawing["bubbles"]
    assert drawing["has_offsets"]
    assert {(b.ax, b.ay) for b in bubbles} == {map_point(4, 4)}
    for i, a in enumerate(bubbles):
        # Clear of the point itself, so its dot shows.
        assert math.dist((a.x, a.y), (a.ax, a.ay)) > a.r
        for b in bubbles[i + 1 :]:
            assert math.dist((a.x, a.y), (b.x, b.y)) >= a.r + b.r


def test_the_quadrants_are_labelled(db):
    labels = [q["label"] for q in role_map([])["quadrants"]]
    assert labels == ["ML first", "ML and engineering", "Lighter on both", "Engineering first"]


def test_a_signed_in_persons_position_and_target_are_marked_and_nobody_elses(owner, other):
    track = CareerTrackFactory(se_skill=4, ml_knowledge=4)
    EnrollmentFactory(user=owner, track=track)
    SkillRating.objects.record(
        owner,
        owner,
        {"programming": 2, "ml_algorithms": 3, "data_modelling": 3, "software_engineering": 2, "communication": 4},
    )
    marked = map_for(owner, role_map([track]))
    assert (marked["me"].se, marked["me"].ml) == (2.0, 3.0)
    assert (marked["me"].x, marked["me"].y) == map_point(2, 3)
    assert marked["target"].track == track
    unmarked = map_for(other, role_map([track]))
    assert unmarked["me"] is None
    assert unmarked["target"] is None
