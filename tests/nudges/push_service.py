"""The ``fcm`` fixture: a running FCM stand-in (``localservers.fcm``) that the push sender is configured to use."""

from collections.abc import Iterator

import pytest

from localservers.fcm import FCMStandIn


def configure(settings, standin: FCMStandIn) -> None:
    """Point the push sender at ``standin``, with its service account's key as the JSON setting."""
    settings.NUDGE_PUSH_SENDER = "fcm"
    settings.FCM_SERVICE_ACCOUNT_JSON = standin.service_account_json()
    settings.FCM_SERVICE_ACCOUNT_FILE = ""
    settings.FCM_PROJECT_ID = ""
    settings.FCM_ENDPOINT = standin.base


@pytest.fixture(name="fcm")  # named so, and defined under another name, so test arguments shadow no import
def fcm_fixture(settings) -> Iterator[FCMStandIn]:
    """FCM and Google's token endpoint on a loopback port; access tokens last an hour unless a test says otherwise."""
    with FCMStandIn() as standin:
        configure(settings, standin)
        yield standin
