"""badges/ in the API: attach (checked at once), list, read, check again, remove; refusals in the one error shape."""

from __future__ import annotations

from credentials.models import Badge, BadgeState
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory


def test_it_attaches_a_badge_and_answers_201_with_the_checks_result(api, plan, milestone, issuer):
    response = api.post("/api/v1/badges/", {"milestone": milestone.slug, "url": issuer.url("/assertions/valid")})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["milestone"] == milestone.slug
    assert body["state"] == "verified"
    assert body["state_label"] == "Verified"
    assert body["issuer_name"] == "Example ML Academy"
    assert body["badge_name"] == "Machine Learning Engineer - Associate"
    assert body["issued_on"] == issuer.issued.date().isoformat()
    assert body["problem"] == ""
    assert body["assertion"]["type"] == "Assertion"
    assert body["from_image"] is False
    assert {"id", "source_url", "expires_on", "checked_at", "attached_at"} <= body.keys()


def test_a_badge_that_does_not_verify_is_still_201_with_the_reason(api, plan, milestone, issuer):
    response = api.post("/api/v1/badges/", {"milestone": milestone.slug, "url": issuer.url("/assertions/expired")})
    assert response.status_code == 201
    assert response.json()["state"] == "expired"
    assert response.json()["problem"].startswith("The badge expired on")


def test_it_lists_the_callers_badges_only(api, other_api, owner, other, plan, milestone, issuer):
    api.post("/api/v1/badges/", {"milestone": milestone.slug, "url": issuer.url("/assertions/valid")})
    listing = api.get("/api/v1/badges/").json()
    assert listing["count"] == 1
    assert listing["results"][0]["state"] == "verified"
    assert other_api.get("/api/v1/badges/").json()["count"] == 0


def test_another_persons_badge_is_a_404(api, other_api, plan, milestone, issuer):
    badge_id = api.post(
        "/api/v1/badges/", {"milestone": milestone.slug, "url": issuer.url("/assertions/valid")}
    ).json()["id"]
    for method, path in [
        ("get", f"/api/v1/badges/{badge_id}/"),
        ("delete", f"/api/v1/badges/{badge_id}/"),
        ("post", f"/api/v1/badges/{badge_id}/check/"),
    ]:
        response = getattr(other_api, method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert Badge.objects.filter(pk=badge_id).exists()


def test_it_reads_checks_again_and_removes_one_badge(api, plan, milestone, issuer):
    badge_id = api.post(
        "/api/v1/badges/", {"milestone": milestone.slug, "url": issuer.url("/assertions/valid")}
    ).json()["id"]
    assert api.get(f"/api/v1/badges/{badge_id}/").json()["state"] == "verified"
    issuer.publish("/assertions/valid", {"id": issuer.url("/assertions/valid")}, 410)
    checked = api.post(f"/api/v1/badges/{badge_id}/check/")
    assert checked.status_code == 200
    assert checked.json()["state"] == "revoked"
    assert api.delete(f"/api/v1/badges/{badge_id}/").status_code == 204
    assert not Badge.objects.exists()


def test_a_milestone_in_none_of_the_callers_plans_is_refused(api, plan, issuer):
    elsewhere = MilestoneFactory(slug="gcp-ml-engineer")
    LadderStepFactory(track=CareerTrackFactory(slug="data-scientist"), milestone=elsewhere)
    response = api.post("/api/v1/badges/", {"milestone": "gcp-ml-engineer", "url": issuer.url("/assertions/valid")})
    assert response.status_code == 409
    assert response.json()["code"] == "not_in_plan"
    assert not Badge.objects.exists()
    assert issuer.requests == []  # refused before anything was fetched


def test_an_unknown_or_hidden_milestone_is_a_400_on_the_field(api, plan, issuer):
    MilestoneFactory(slug="retired", is_active=False)
    for slug in ("no-such-milestone", "retired"):
        response = api.post("/api/v1/badges/", {"milestone": slug, "url": issuer.url("/assertions/valid")})
        assert response.status_code == 400
        assert response.json()["fields"] == {"milestone": ["No such milestone."]}


def test_hostile_input_is_a_clear_400(api, plan, milestone):
    cases = [
        ({"milestone": milestone.slug, "url": "https://example.com/" + "a" * 5000}, "url", "max_length"),
        ({"milestone": milestone.slug, "url": "file:///etc/passwd"}, "url", "unsafe_url"),
        ({"milestone": milestone.slug, "url": "ftp://example.com/badge.json"}, "url", "unsafe_url"),
        ({"milestone": milestone.slug, "url": "http://10.1.2.3/assertion"}, "url", "unsafe_url"),
        ({"milestone": milestone.slug, "url": "http://169.254.169.254/latest/meta-data/"}, "url", "unsafe_url"),
        ({"milestone": milestone.slug, "url": "not a url\x00"}, "url", "null_characters_not_allowed"),
        ({"milestone": milestone.slug, "url": "not a url"}, "url", "unsafe_url"),
        ({"milestone": milestone.slug}, "url", "required"),
        ({"url": "https://example.com/a"}, "milestone", "required"),
        ({"milestone": "x" * 500, "url": "https://example.com/a"}, "milestone", "max_length"),
        ({"milestone": ["a"], "url": {"b": 1}}, "milestone", "invalid"),
    ]
    for data, name, code in cases:
        response = api.post("/api/v1/badges/", data, format="json")
        assert response.status_code == 400, (data, response.json())
        body = response.json()
        assert body["code"] == "invalid"
        assert code in body["field_codes"][name], (data, body)
    assert not Badge.objects.exists()


def test_the_same_badge_twice_is_a_409_naming_the_first(api, plan, milestone, issuer):
    data = {"milestone": milestone.slug, "url": issuer.url("/assertions/valid")}
    first = api.post("/api/v1/badges/", data).json()
    again = api.post("/api/v1/badges/", data)
    assert again.status_code == 409
    assert again.json()["code"] == "already_attached"
    assert again.json()["badge"] == first["id"]


def test_signing_in_is_required(anon, plan):
    assert anon.get("/api/v1/badges/").status_code == 401
    assert anon.post("/api/v1/badges/", {}).status_code == 401


def test_the_state_values_are_the_documented_ones():
    assert set(BadgeState.values) == {"verified", "revoked", "expired", "wrong_recipient", "invalid", "unreachable"}
