"""A mobile client's journey over real HTTP against the live servers."""

import datetime as dt

import pytest
import requests

pytestmark = pytest.mark.redis


def test_a_mobile_client_from_sign_up_to_sign_out(live_api):
    live_api.reset_counters()
    base = f"{live_api.url}/api/v1"
    http = requests.Session()

    # Sign up (202), follow the link mailed to the address, then sign in.
    pair = live_api.sign_up("phone@example.com", "a long passphrase 42")
    http.headers["Authorization"] = f"Bearer {pair['access']}"

    tracks = http.get(f"{base}/tracks/")
    assert tracks.status_code == 200
    assert http.get(f"{base}/tracks/", headers={"If-None-Match": tracks.headers["ETag"]}).status_code == 304
    assert "data-scientist" in [t["slug"] for t in tracks.json()["results"]]

    target = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=365)).isoformat()
    enrolled = http.post(
        f"{base}/enrollments/",
        json={"track": "data-scientist", "target_date": target},
        headers={"Idempotency-Key": "enrol-1"},
    )
    assert enrolled.status_code == 201
    retried = http.post(
        f"{base}/enrollments/",
        json={"track": "data-scientist", "target_date": target},
        headers={"Idempotency-Key": "enrol-1"},
    )
    assert retried.json() == enrolled.json()
    # A year is too short for the track's effort: planning says so with figures and a date that
    # fits, the app offers it, and planning to it succeeds.
    plan_url = f"{base}/enrollments/{enrolled.json()['id']}/plan/"
    too_soon = http.post(plan_url)
    assert too_soon.status_code == 409
    assert too_soon.json()["code"] == "plan_does_not_fit"
    assert too_soon.json()["effort_weeks"] > too_soon.json()["weeks_to_target"]
    fits = too_soon.json()["date_that_fits"]
    assert http.patch(f"{base}/enrollments/{enrolled.json()['id']}/", json={"target_date": fits}).status_code == 200
    planned = http.post(plan_url)
    assert planned.status_code == 200
    assert planned.json()["planned"][-1]["target_date"] == fits
    assert planned.json()["kept"] == []
    assert planned.json()["effort_weeks"] == too_soon.json()["effort_weeks"]

    synced_at = http.get(f"{base}/progress/?page_size=200")
    assert synced_at.status_code == 200
    since = max(item["updated_at"] for item in synced_at.json()["results"])

    refused = http.patch(f"{base}/progress/skill-ml-algorithms/", json={"status": "done"})
    assert refused.status_code == 409
    assert [m["slug"] for m in refused.json()["missing"]] == ["skill-programming"]
    assert http.patch(f"{base}/progress/skill-programming/", json={"status": "done"}).status_code == 200
    done = http.patch(
        f"{base}/progress/skill-ml-algorithms/", json={"status": "done", "evidence_url": "https://example.com/cert"}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"

    dashboard = http.get(f"{base}/dashboard/").json()
    assert dashboard["enrollments"][0]["done"] == 2
    assert dashboard["streak_weeks"] == 1

    device = http.post(f"{base}/devices/", json={"platform": "android", "token": "fcm-token-1"})
    assert device.status_code == 201
    assert http.post(f"{base}/devices/", json={"platform": "android", "token": "fcm-token-1"}).status_code == 200

    changes = http.get(f"{base}/progress/", params={"updated_since": since}).json()
    assert {item["milestone"] for item in changes["results"]} == {"skill-programming", "skill-ml-algorithms"}
    assert "removed" in changes

    refreshed = http.post(f"{base}/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
    new_pair = refreshed.json()
    http.headers["Authorization"] = f"Bearer {new_pair['access']}"
    assert http.get(f"{base}/me/").json()["email"] == "phone@example.com"

    assert http.post(f"{base}/auth/logout/", json={"refresh": new_pair["refresh"]}).status_code == 204
    assert http.post(f"{base}/auth/token/refresh/", json={"refresh": new_pair["refresh"]}).status_code == 401
    assert http.post(f"{base}/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
