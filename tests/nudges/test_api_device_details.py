"""Devices from the app: listed, registered and updated with their details (APNs environment, app version, locale)."""

import pytest
from django.db import IntegrityError

from nudges.models import Device, Platform

DEVICES = "/api/v1/devices/"
pytestmark = pytest.mark.django_db


def field_codes(response):
    """Each refused field's error codes (api.errors' body)."""
    return response.data["field_codes"]


def test_it_lists_my_devices_newest_first_and_nobody_elses(api, owner, other):
    Device.objects.create(user=owner, platform=Platform.ANDROID, token="my-old-phone")
    Device.objects.create(user=owner, platform=Platform.IOS, token="my-iphone", apns_environment="production")
    Device.objects.create(user=other, platform=Platform.IOS, token="their-iphone")

    response = api.get(DEVICES)

    assert response.status_code == 200
    assert [d["token"] for d in response.data["results"]] == ["my-iphone", "my-old-phone"]
    assert response.data["results"][0]["apns_environment"] == "production"


def test_registration_records_the_details_and_again_updates_only_those_sent(api, owner):
    first = api.post(
        DEVICES,
        {"platform": "ios", "token": "t-1", "apns_environment": "sandbox", "app_version": "1.4.0", "locale": "en-GB"},
    )
    assert first.status_code == 201
    assert (first.data["apns_environment"], first.data["app_version"], first.data["locale"]) == (
        "sandbox",
        "1.4.0",
        "en-GB",
    )

    again = api.post(DEVICES, {"platform": "ios", "token": "t-1", "app_version": "1.5.0"})

    assert again.status_code == 200
    device = Device.objects.get(token="t-1")
    assert (device.apns_environment, device.app_version, device.locale) == ("sandbox", "1.5.0", "en-GB")


def test_a_device_that_is_no_longer_ios_loses_its_apns_environment(api, owner):
    api.post(DEVICES, {"platform": "ios", "token": "t-1", "apns_environment": "production"})
    assert api.post(DEVICES, {"platform": "android", "token": "t-1"}).status_code == 200
    assert Device.objects.get(token="t-1").apns_environment == ""


def test_patch_updates_the_details_and_leaves_token_and_platform(api, owner):
    device = Device.objects.create(user=owner, platform=Platform.IOS, token="t-1")

    response = api.patch(
        f"{DEVICES}{device.pk}/",
        {
            "apns_environment": "production",
            "app_version": "2.0 (311)",
            "locale": "pt-BR",
            "token": "stolen",
            "platform": "web",
        },
    )

    assert response.status_code == 200, response.data
    device.refresh_from_db()
    assert (device.token, device.platform) == ("t-1", "ios")
    assert (device.apns_environment, device.app_version, device.locale) == ("production", "2.0 (311)", "pt-BR")
    assert response.data["locale"] == "pt-BR"


def test_an_apns_environment_is_for_ios_only(api, owner):
    android = Device.objects.create(user=owner, platform=Platform.ANDROID, token="t-1")

    patched = api.patch(f"{DEVICES}{android.pk}/", {"apns_environment": "sandbox"})
    registered = api.post(DEVICES, {"platform": "web", "token": "t-2", "apns_environment": "production"})

    for response in (patched, registered):
        assert response.status_code == 400
        assert field_codes(response) == {"apns_environment": ["not_ios"]}
    assert Device.objects.get(token="t-1").apns_environment == ""
    assert not Device.objects.filter(token="t-2").exists()


def test_the_database_refuses_an_apns_environment_off_ios_too(owner):
    with pytest.raises(IntegrityError):
        Device.objects.create(user=owner, platform=Platform.ANDROID, token="t", apns_environment="sandbox")


@pytest.mark.parametrize("tag", ["en", "en-GB", "pt-BR", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996", "ar"])
def test_a_bcp_47_locale_is_accepted(api, owner, tag):
    device = Device.objects.create(user=owner, platform=Platform.ANDROID, token="t")
    assert api.patch(f"{DEVICES}{device.pk}/", {"locale": tag}).status_code == 200


@pytest.mark.parametrize("tag", ["en_GB", "english please", "e", "en-", "-GB", "en--GB", "12-34"])
def test_a_locale_that_is_not_a_bcp_47_tag_is_refused_with_a_code(api, owner, tag):
    device = Device.objects.create(user=owner, platform=Platform.ANDROID, token="t", locale="fr")
    response = api.patch(f"{DEVICES}{device.pk}/", {"locale": tag})
    assert response.status_code == 400
    assert field_codes(response) == {"locale": ["invalid_locale"]}
    assert Device.objects.get(pk=device.pk).locale == "fr"


def test_an_app_version_longer_than_40_characters_is_refused(api, owner):
    response = api.post(DEVICES, {"platform": "android", "token": "t", "app_version": "1" * 41})
    assert response.status_code == 400
    assert field_codes(response) == {"app_version": ["max_length"]}
    assert not Device.objects.exists()


def test_a_token_sent_as_a_number_is_refused_not_stored(api, owner):
    response = api.post(DEVICES, {"platform": "android", "token": 1234567890})
    assert response.status_code == 400
    assert field_codes(response) == {"token": ["invalid"]}
    assert not Device.objects.exists()


@pytest.mark.parametrize("field", ["app_version", "locale"])
def test_details_sent_as_numbers_are_refused(api, owner, field):
    response = api.post(DEVICES, {"platform": "android", "token": "t", field: 2})
    assert response.status_code == 400
    assert field_codes(response) == {field: ["invalid"]}


def test_another_persons_device_is_not_found(api, other):
    theirs = Device.objects.create(user=other, platform=Platform.IOS, token="their-phone")
    assert api.get(f"{DEVICES}{theirs.pk}/").status_code == 404
    assert api.patch(f"{DEVICES}{theirs.pk}/", {"locale": "en"}).status_code == 404
    assert api.delete(f"{DEVICES}{theirs.pk}/").status_code == 404
    assert Device.objects.get(pk=theirs.pk).locale == ""
