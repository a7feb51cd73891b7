"""Push devices: registering is idempotent; deleting forgets one of mine."""

import pytest

from nudges.models import Device


@pytest.mark.django_db
def test_registering_the_same_token_twice_keeps_one_device(api, owner):
    first = api.post("/api/v1/devices/", {"platform": "android", "token": "tok-1"})
    assert first.status_code == 201
    again = api.post("/api/v1/devices/", {"platform": "android", "token": "tok-1"})
    assert again.status_code == 200
    assert again.data["id"] == first.data["id"]
    assert Device.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
def test_a_token_registered_on_another_account_stays_there(api, other_api, other):
    """Posting someone else's token is a 409 and moves nothing (test_device_ownership.py has the rest)."""
    other_api.post("/api/v1/devices/", {"platform": "ios", "token": "shared-phone"})
    assert api.post("/api/v1/devices/", {"platform": "ios", "token": "shared-phone"}).status_code == 409
    assert Device.objects.get(token="shared-phone").user == other


@pytest.mark.django_db
def test_bad_platform_and_missing_token_are_400_per_field(api):
    response = api.post("/api/v1/devices/", {"platform": "windows"})
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"platform", "token"}


@pytest.mark.django_db
def test_delete_forgets_my_device(api, owner):
    device = Device.objects.create(user=owner, platform="web", token="t")
    assert api.delete(f"/api/v1/devices/{device.pk}/").status_code == 204
    assert not Device.objects.exists()
