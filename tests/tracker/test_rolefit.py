import pytest

from tracker.rolefit import Answers, rank_tracks


@pytest.mark.parametrize(
    ("answers", "best"),
    [
        (Answers(se_skill=5, ml_knowledge=1, communication=2, produces="deployed_systems"), "mlops-engineer"),
        (Answers(se_skill=4, ml_knowledge=2, communication=2, produces="data_pipelines"), "data-engineer"),
        (Answers(se_skill=2, ml_knowledge=5, communication=5, produces="research"), "ml-researcher"),
        (Answers(se_skill=3, ml_knowledge=3, communication=5, produces="insights"), "data-scientist"),
    ],
)
def test_the_quiz_ranks_the_track_that_fits_the_answers_first(seeded, answers, best):
    ranking = rank_tracks(answers)
    assert ranking[0].track.slug == best
    assert len(ranking) == 10
    assert [f.score for f in ranking] == sorted((f.score for f in ranking), reverse=True)


def test_every_ranked_track_comes_with_reasons_naming_the_numbers(seeded):
    answers = Answers(se_skill=1, ml_knowledge=1, communication=3, produces="research")
    for fit in rank_tracks(answers):
        assert 0 <= fit.score <= 100
        assert len(fit.reasons) == 3
    top = rank_tracks(answers)[0]
    assert any("1/5" in reason for reason in top.reasons)


def test_the_ranking_is_deterministic(seeded):
    answers = Answers(se_skill=3, ml_knowledge=3, communication=3, produces="prediction_systems")
    assert [f.track.slug for f in rank_tracks(answers)] == [f.track.slug for f in rank_tracks(answers)]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (Answers(se_skill=0, ml_knowledge=3, communication=3, produces="research"), "se_skill"),
        (Answers(se_skill=3, ml_knowledge=6, communication=3, produces="research"), "ml_knowledge"),
        (Answers(se_skill=3, ml_knowledge=3, communication=3, produces="fame"), "produces"),
    ],
)
def test_out_of_range_answers_are_refused_naming_the_field(db, answers, field):
    assert field in answers.errors()
    with pytest.raises(ValueError, match=field):
        rank_tracks(answers, tracks=[])
