"""The role-fit quiz over the API."""

import pytest


@pytest.mark.django_db
def test_it_ranks_tracks_with_scores_and_reasons(anon, seeded):
    response = anon.post(
        "/api/v1/role-fit/", {"se_skill": 5, "ml_knowledge": 2, "communication": 2, "produces": "data_pipelines"}
    )
    assert response.status_code == 200
    results = response.data["results"]
    assert results[0]["track"] == "data-engineer"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert results[0]["reasons"]


@pytest.mark.django_db
def test_answers_out_of_range_are_400_per_field(anon):
    response = anon.post(
        "/api/v1/role-fit/", {"se_skill": 9, "ml_knowledge": 0, "communication": "x", "produces": "art"}
    )
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"se_skill", "ml_knowledge", "communication", "produces"}
