"""Outbound requests (credentials.fetch): public http(s) addresses only, checked at every redirect, bounded.

Nothing here connects to a private address: the refusals happen before any
connection, which is what they test. The issuer server on 127.0.0.1 is
reachable only where a test allows loopback (the ``issuer`` fixture).
"""

from __future__ import annotations

import ipaddress
import time

import pytest

from credentials import fetch


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "Only http and https"),
        ("ftp://ftp.example.com/badge.json", "Only http and https"),
        ("gopher://example.com/", "Only http and https"),
        ("javascript:alert(1)", "Only http and https"),
        ("http://10.0.0.1/assertion", "private network"),
        ("http://10.255.255.254:8080/assertion", "private network"),
        ("http://192.168.1.1/", "private network"),
        ("http://172.16.0.5/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "private network"),
        ("http://127.0.0.1:1/", "private network"),
        ("http://localhost/", "private network"),
        ("http://[::1]/", "private network"),
        ("http://[::ffff:10.0.0.1]/", "private network"),
        ("http://[fe80::1]/", "private network"),
        ("http://0.0.0.0/", "private network"),
        ("http://224.0.0.1/", "private network"),
        ("http://100.64.0.1/", "private network"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://example.com:99999/", "not a valid web address"),
        ("https:///no-host", "not a valid web address"),
        ("https://example.com/" + "a" * 2001, "longer than"),
    ],
)
def test_it_refuses_an_address_it_must_not_fetch_before_connecting(url, why):
    started = time.monotonic()
    with pytest.raises(fetch.UnsafeURL, match=why):
        fetch.fetch(url)
    assert time.monotonic() - started < 1  # refused, not timed out trying


def test_it_refuses_loopback_unless_the_settings_allow_that_network(settings):
    settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS = []
    assert not fetch.is_public(ipaddress.ip_address("127.0.0.1"))
    settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert fetch.is_public(ipaddress.ip_address("127.0.0.1"))
    # Allowing loopback allows nothing else.
    assert not fetch.is_public(ipaddress.ip_address("10.0.0.1"))
    assert not fetch.is_public(ipaddress.ip_address("169.254.169.254"))


def test_it_takes_a_global_address_as_public():
    assert fetch.is_public(ipaddress.ip_address("93.184.215.14"))
    assert fetch.is_public(ipaddress.ip_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"))


def test_it_fetches_from_the_local_issuer_when_allowed(issuer):
    answer = fetch.fetch(issuer.url("/assertions/valid"))
    assert answer.status == 200
    assert answer.content_type == "application/ld+json"
    assert b'"Assertion"' in answer.body


def test_it_refuses_the_local_issuer_when_loopback_is_not_allowed(issuer, settings):
    settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(fetch.UnsafeURL):
        fetch.fetch(issuer.url("/assertions/valid"))
    assert issuer.requests == []


def test_it_follows_a_redirect_and_says_where_the_answer_came_from(issuer):
    answer = fetch.fetch(issuer.url("/redirect/valid"))
    assert answer.status == 200
    assert answer.url == issuer.url("/assertions/valid")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/redirect/private", "private network"),
        ("/redirect/metadata", "private network"),
        ("/redirect/file", "Only http and https"),
        ("/redirect/loop", "redirects more than 3 times"),
    ],
)
def test_it_checks_every_redirect_again(issuer, path, why):
    with pytest.raises(fetch.UnsafeURL, match=why):
        fetch.fetch(issuer.url(path))


def test_it_stops_reading_an_answer_larger_than_the_limit(issuer):
    with pytest.raises(fetch.TooLarge, match="larger than 1024 KB"):
        fetch.fetch(issuer.url("/too-large"))


def test_it_stops_reading_a_large_answer_that_does_not_say_its_length(issuer, settings):
    settings.CREDENTIALS_FETCH_MAX_BYTES = 2048
    issuer.publish("/chunked", b"x" * 10_000)
    with pytest.raises(fetch.TooLarge):
        fetch.fetch(issuer.url("/chunked"))


def test_it_gives_up_on_a_server_too_slow_to_answer(issuer, settings):
    settings.CREDENTIALS_FETCH_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(fetch.Unreachable, match="too long"):
        fetch.fetch(issuer.url("/too-slow"))
    assert time.monotonic() - started < 2.5


def test_an_unknown_host_is_unreachable_not_unsafe():
    with pytest.raises(fetch.Unreachable, match="could not be found"):
        fetch.fetch("https://no-such-host.invalid/assertion")
