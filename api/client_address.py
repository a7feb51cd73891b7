"""Which address a request comes from, read one way by everything that counts per address.

Behind TRUSTED_PROXY_COUNT proxies that each append the address they were
reached from to ``X-Forwarded-For``, the client is the entry that many places
from the right: the outermost proxy wrote it, and anything to its left came
from the client and may be forged. With no trusted proxy the header is
ignored and the socket's address (``REMOTE_ADDR``) is the client.

DRF's throttles (api.throttling), allauth's rate limits (through the account
adapter, accounts.signin) and the sign-in limits (accounts.signin_limits) all
ask here, so a deployment sets the count once. DRF's own NUM_PROXIES and
allauth's ALLAUTH_TRUSTED_PROXY_COUNT are set from the same setting for any
code of theirs that reads the address without asking here.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# The network an IPv6 subscriber is usually given, and so can hop around in;
# counted as one client, as allauth does (RATE_LIMIT_IPV6_PREFIX).
IPV6_CLIENT_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or the socket's address when the header's entry is not an address."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = forwarded.split(",")
    # Fewer entries than proxies: the request skipped the outer proxies, and
    # every entry there is still one a trusted proxy wrote (as DRF does).
    entry = hops[-min(proxies, len(hops))]
    return _parse_address(entry) or remote


def client_key(request: HttpRequest) -> str:
    """What limits count against: the client's IPv4 address, or its IPv6 /64 network."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is 203.0.113.7
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False).network_address)
    return str(parsed)


def _parse_address(entry: str) -> str | None:
    """An X-Forwarded-For entry as a bare IP address: ports and IPv6 brackets dropped; None if it is not one."""
    entry = entry.strip()
    candidates = [entry]
    if entry.startswith("[") and "]" in entry:  # [2001:db8::1]:443
        candidates.append(entry[1 : entry.index("]")])
    elif entry.count(":") == 1:  # 203.0.113.7:51234
        candidates.append(entry.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
