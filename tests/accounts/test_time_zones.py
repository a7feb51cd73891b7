"""The time zones a person can pick (accounts.timezones)."""

from __future__ import annotations

import zoneinfo

from accounts import timezones


def test_every_zone_on_the_list_is_a_place_or_utc():
    zones = timezones.canonical_zones()
    assert "UTC" in zones
    assert "Europe/Oslo" in zones
    assert "Asia/Kolkata" in zones
    assert zones <= zoneinfo.available_timezones()
    assert not any(name.startswith("Etc/") for name in zones)
    assert not {"US/Eastern", "GB", "EST5EDT", "Asia/Calcutta", "Europe/Kiev"} & zones


def test_old_names_lead_to_their_current_zone():
    assert timezones.canonical("Asia/Calcutta") == "Asia/Kolkata"
    assert timezones.canonical("US/Eastern") == "America/New_York"
    assert timezones.canonical("Europe/Kiev") == "Europe/Kyiv"
    assert timezones.canonical("Etc/UTC") == timezones.canonical("GMT") == "UTC"
    assert timezones.canonical(" Europe/Paris ") == "Europe/Paris"


def test_offsets_and_unknown_names_lead_nowhere():
    for name in ("Etc/GMT+5", "EST5EDT", "Mars/Olympus", "", "localtime", "Factory"):
        assert timezones.canonical(name) is None, name


def test_each_zone_is_offered_with_its_offset_now():
    from datetime import UTC, datetime

    offered = dict(timezones.choices(datetime(2026, 7, 1, 12, tzinfo=UTC)))
    assert offered["Europe/Paris"] == "UTC+02:00"  # summer time
    assert offered["America/St_Johns"] == "UTC\u221202:30"
    assert offered["Asia/Kolkata"] == "UTC+05:30"
    assert list(offered) == sorted(offered)


def test_the_aliases_of_a_zone_are_what_browsers_may_call_it():
    assert timezones.aliases_of("Asia/Kolkata") == ["Asia/Calcutta"]
    assert "US/Eastern" in timezones.aliases_of("America/New_York")
