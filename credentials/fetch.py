"""Outbound requests to addresses people type in: badge assertions, issuers, keys.

Whatever a person pastes is fetched by the server, so a URL could aim the
server at itself or at the private network behind it (server-side request
forgery): the cloud's metadata service at 169.254.169.254, an admin port on
127.0.0.1, a database on 10.x. So, before every connection:

- only ``http`` and ``https``, with no user name or password in the URL;
- the host is resolved here and every address it resolves to must be public
  (not private, loopback, link-local, multicast, reserved, unspecified or
  shared), unless it is in ``CREDENTIALS_FETCH_ALLOWED_NETWORKS`` (the suite
  allows 127.0.0.1, where its issuer server listens);
- the connection goes to the address that was checked, never to a second
  lookup of the name, so a DNS answer that changes in between (rebinding)
  cannot slip a private address in; TLS still checks the certificate against
  the host name;
- redirects are followed here, at most ``MAX_REDIRECTS``, each one checked
  again from the start (a redirect to ``file:``, ``ftp:`` or to a private
  address is refused like a pasted one);
- the whole exchange has one deadline (``CREDENTIALS_FETCH_TIMEOUT``), so a
  server dripping a byte at a time cannot hold a worker, and the body is cut
  at ``CREDENTIALS_FETCH_MAX_BYTES``.

Plain ``http.client`` rather than requests or urllib3: neither lets a caller
connect to an address it checked while keeping the host name for TLS and
``Host`` without reaching into its internals.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
USER_AGENT = "CareerPlan-badge-checker/1.0 (+Open Badges 2.0 verification)"
REDIRECTS = {301, 302, 303, 307, 308}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch that gave no usable answer; the message is meant for the person."""


class UnsafeURL(FetchError):
    """Refused before connecting: a scheme, an address or a redirect the server must not follow.

    ``str()`` is the English kept on a badge's record; ``translated()`` is
    the refusal in the request's language (the API's answer).
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def translated(self) -> str:
        text = gettext(self.message)
        return text % self.params if self.params else text


class TooLarge(FetchError):
    """The answer is bigger than the limit."""


class Unreachable(FetchError):
    """No answer in time: the host is unknown, refuses connections, or is too slow."""


@dataclass(frozen=True)
class Fetched:
    """An answer: the URL it finally came from (after redirects), its status, type and body."""

    url: str
    status: int
    content_type: str
    body: bytes
    location: str = ""  # a redirect's Location


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS]


def is_public(address: Address) -> bool:
    """Whether the server may connect to ``address``: a global unicast address, or one the settings allow."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if any(address in network for network in allowed_networks()):
        return True
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def check_url(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL the server may fetch; ``UnsafeURL`` (saying why) for any other.

    Checks the form only; ``resolve`` checks where the name leads.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(gettext_noop("The address is longer than %(limit)s characters."), limit=MAX_URL_LENGTH)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(gettext_noop("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(gettext_noop("Only http and https addresses can be checked."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(gettext_noop("An address with a user name or password in it cannot be checked."))
    if not parts.hostname:
        raise UnsafeURL(gettext_noop("This is not a valid web address."))
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> Address:
    """The address to connect to for ``host``: ``UnsafeURL`` unless every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unreachable(f"The host {host} could not be found.") from None
    addresses: list[Address] = []
    for *_, sockaddr in infos:
        # A scoped IPv6 address ("fe80::1%eth0") carries its zone after a "%".
        addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
    if not addresses:
        raise Unreachable(f"The host {host} could not be found.")
    # Every one, not just the first: a name with one public and one private
    # address would otherwise reach the private one on a retry.
    if not all(is_public(address) for address in addresses):
        raise UnsafeURL(
            gettext_noop("This address points into a private network, which the server does not fetch from.")
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address resolved and checked beforehand; ``Host`` stays the name."""

    def __init__(self, address: Address, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, the certificate verified against the host name (SNI too)."""

    def __init__(self, address: Address, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch(url: str, *, accept: str = "application/ld+json, application/json;q=0.9, */*;q=0.1") -> Fetched:
    """GET ``url`` safely (see the module's docstring); any status is an answer, redirects are followed.

    Raises ``UnsafeURL``, ``TooLarge`` or ``Unreachable``.
    """
    deadline = time.monotonic() + settings.CREDENTIALS_FETCH_TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        answer = _get_once(url, accept, deadline)
        if answer.status not in REDIRECTS:
            return answer
        if not answer.location:
            return answer
        url = urljoin(url, answer.location)
    raise UnsafeURL(gettext_noop("The address redirects more than %(limit)s times."), limit=MAX_REDIRECTS)


def _get_once(url: str, accept: str, deadline: float) -> Fetched:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Unreachable("The issuer took too long to answer.")
    pinned = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = pinned(address, host, port, timeout=remaining)
    limit = settings.CREDENTIALS_FETCH_MAX_BYTES
    try:
        connection.request(
            "GET", target, headers={"Accept": accept, "User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        )
        # Kept: the connection lets go of its socket once the answer's headers say it will close.
        sock = connection.sock
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return Fetched(url, response.status, "", b"", location=response.getheader("Location", ""))
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"The answer is larger than {limit // 1024} KB.")
        body = bytearray()
        while True:
            if time.monotonic() > deadline:
                raise Unreachable("The issuer took too long to answer.")
            # The socket's own timeout bounds each read; the deadline bounds them all.
            if sock is not None:
                sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise TooLarge(f"The answer is larger than {limit // 1024} KB.")
        content_type = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
        return Fetched(url, response.status, content_type, bytes(body))
    except TimeoutError:
        raise Unreachable("The issuer took too long to answer.") from None
    except ssl.SSLError as error:
        raise Unreachable(f"A secure connection to {host} could not be made ({error.reason}).") from None
    except (OSError, http.client.HTTPException):
        raise Unreachable(f"{host} could not be reached.") from None
    finally:
        connection.close()
