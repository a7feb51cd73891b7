"""Skill ratings: recorded whole or not at all, by the person or a mentor, kept as history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from growth.models import SKILL_LEVELS, RatedBy, Skill, SkillRating

SCORES = {
    "programming": 3,
    "ml_algorithms": 2,
    "data_modelling": 2,
    "software_engineering": 4,
    "communication": 3,
}


def test_it_records_a_self_rating_with_every_skill(owner):
    rating = SkillRating.objects.record(owner, owner, SCORES, note="  After the course  ")
    assert rating.rated_by == RatedBy.SELF
    assert rating.scores == SCORES
    assert rating.note == "After the course"
    assert not rating.is_mentors


def test_a_rating_by_someone_else_is_a_mentors_rating(owner, other):
    rating = SkillRating.objects.record(owner, other, SCORES)
    assert rating.rated_by == RatedBy.MENTOR
    assert rating.rater == other
    assert list(SkillRating.objects.of(owner).by_mentors()) == [rating]
    assert not SkillRating.objects.of(owner).by_self().exists()


@pytest.mark.parametrize(
    "change",
    [
        {"programming": 0},
        {"programming": 6},
        {"programming": "3"},
        {"programming": True},
        {"programming": None},
    ],
)
def test_it_refuses_a_score_outside_one_to_five_and_saves_nothing(owner, change):
    with pytest.raises(ValidationError) as caught:
        SkillRating.objects.record(owner, owner, {**SCORES, **change})
    assert set(caught.value.message_dict) == {"programming"}
    assert not SkillRating.objects.exists()


def test_it_names_each_missing_skill_and_each_unknown_one(owner):
    with pytest.raises(ValidationError) as caught:
        SkillRating.objects.record(owner, owner, {"programming": 3, "charisma": 5})
    errors = caught.value.message_dict
    assert set(errors) == {"ml_algorithms", "data_modelling", "software_engineering", "communication", "scores"}
    assert "charisma" in errors["scores"][0]


def test_rating_again_keeps_the_history_newest_first(owner):
    first = SkillRating.objects.record(owner, owner, SCORES, when=timezone.now() - timedelta(days=100))
    second = SkillRating.objects.record(owner, owner, {**SCORES, "programming": 4})
    assert list(SkillRating.objects.of(owner)) == [second, first]


def test_every_skill_has_five_levels_described():
    assert set(SKILL_LEVELS) == set(Skill.values)
    for levels in SKILL_LEVELS.values():
        assert len(levels) == 5
        assert all(text.strip() for text in levels)
        assert len(set(levels)) == 5


def test_a_mentors_account_deleted_leaves_their_rating_marked_as_a_mentors(owner, other):
    SkillRating.objects.record(owner, other, SCORES)
    other.delete()
    rating = SkillRating.objects.get(person=owner)
    assert rating.rater is None
    assert rating.is_mentors


def test_ratings_go_with_the_persons_account(owner):
    SkillRating.objects.record(owner, owner, SCORES)
    owner.delete()
    assert not SkillRating.objects.exists()
