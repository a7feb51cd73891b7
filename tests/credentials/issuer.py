"""An Open Badges 2.0 issuer for the suite: a real HTTP server on a free loopback port, serving JSON-LD.

It publishes what Credly and other issuers publish: an Issuer profile (with
its public key and revocation list), a BadgeClass, hosted assertions, signed
assertions (JWS, RS256) and the key as a CryptographicKey, plus answers
that misbehave (410 Gone, a redirect into a private network, a body that is
too large, one that is too slow). Each test gets the routes fresh
(``issuer`` fixture) and may change one (``issuer.publish``) to see a
re-check notice it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from localservers import free_port
from localservers.ports import HOST

CONTEXT = "https://w3id.org/openbadges/v2"
OWNER_EMAIL = "owner@example.com"
SALT = "deadsea"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/ld+json"
    headers: dict[str, str] | None = None
    delay: float = 0.0


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(private: rsa.RSAPrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def hashed(email: str, salt: str = SALT) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


class IssuerServer:
    """The server and what it publishes; ``url(path)`` is where."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.signing_key = _key()
        self.other_key = _key()
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(404, b'{"error": "not found"}', "application/json")
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    for name, value in (route.headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (too slow, too large): that is the point

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((HOST, self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    # --- Publishing ---------------------------------------------------------

    def publish(self, path: str, document: Any, status: int = 200, **route: Any) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.routes[path] = Route(status, body, **route)
        return self.url(path)

    def reset(self) -> None:
        """Publish the standard issuer, badge class, key, revocation list and assertions."""
        self.routes.clear()
        self.requests.clear()
        now = datetime.now().astimezone()
        self.issued = (now - timedelta(days=30)).replace(microsecond=0)
        self.publish("/issuer", self.issuer())
        self.publish("/badgeclass", self.badge_class())
        self.publish("/key", self.crypto_key())
        self.publish("/revocations", self.revocation_list([]))
        self.publish("/assertions/valid", self.assertion("/assertions/valid"))
        self.publish("/assertions/plain", self.assertion("/assertions/plain", recipient=self.recipient(hashed_=False)))
        self.publish(
            "/assertions/revoked",
            self.assertion("/assertions/revoked", revoked=True, revocationReason="Issued in error"),
        )
        self.publish(
            "/assertions/gone", {"@context": CONTEXT, "id": self.url("/assertions/gone"), "revoked": True}, 410
        )
        self.publish(
            "/assertions/expired",
            self.assertion(
                "/assertions/expired", expires=(now - timedelta(days=10)).replace(microsecond=0).isoformat()
            ),
        )
        self.publish(
            "/assertions/someone-else",
            self.assertion("/assertions/someone-else", recipient=self.recipient("someone@elsewhere.example")),
        )
        self.publish("/signed/good", self.signed().encode(), content_type="text/plain")
        self.publish("/signed/bad", self.signed(key=self.other_key).encode(), content_type="text/plain")
        # Misbehaving answers.
        self.publish("/too-large", b"{" + b" " * (2 * 1024 * 1024) + b"}")
        self.publish("/too-slow", self.assertion("/too-slow"), delay=3.0)
        self.publish("/redirect/private", b"", 302, headers={"Location": "http://10.0.0.1/assertion"})
        self.publish("/redirect/metadata", b"", 302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        self.publish("/redirect/file", b"", 302, headers={"Location": "file:///etc/passwd"})
        self.publish("/redirect/loop", b"", 302, headers={"Location": "/redirect/loop"})
        self.publish("/redirect/valid", b"", 302, headers={"Location": "/assertions/valid"})
        self.publish("/share/copy", self.assertion("/assertions/valid"))  # a copy served elsewhere

    def issuer(self) -> dict[str, Any]:
        return {
            "@context": CONTEXT,
            "type": "Issuer",
            "id": self.url("/issuer"),
            "name": "Example ML Academy",
            "url": self.base,
            "email": "badges@academy.example",
            "publicKey": self.url("/key"),
            "revocationList": self.url("/revocations"),
        }

    def badge_class(self) -> dict[str, Any]:
        return {
            "@context": CONTEXT,
            "type": "BadgeClass",
            "id": self.url("/badgeclass"),
            "name": "Machine Learning Engineer - Associate",
            "description": "Builds, deploys and maintains machine-learning solutions.",
            "image": self.url("/badge.png"),
            "criteria": {"narrative": "Pass the associate exam."},
            "issuer": self.url("/issuer"),
        }

    def crypto_key(self, key: rsa.RSAPrivateKey | None = None) -> dict[str, Any]:
        return {
            "@context": CONTEXT,
            "type": "CryptographicKey",
            "id": self.url("/key"),
            "owner": self.url("/issuer"),
            "publicKeyPem": _pem(key or self.signing_key),
        }

    def revocation_list(self, revoked: list[Any]) -> dict[str, Any]:
        return {
            "@context": CONTEXT,
            "type": "RevocationList",
            "id": self.url("/revocations"),
            "issuer": self.url("/issuer"),
            "revokedAssertions": revoked,
        }

    def recipient(self, email: str = OWNER_EMAIL, *, hashed_: bool = True) -> dict[str, Any]:
        if hashed_:
            return {"type": "email", "hashed": True, "salt": SALT, "identity": hashed(email)}
        return {"type": "email", "hashed": False, "identity": email}

    def assertion(self, path: str, **changes: Any) -> dict[str, Any]:
        document = {
            "@context": CONTEXT,
            "type": "Assertion",
            "id": self.url(path),
            "recipient": self.recipient(),
            "badge": self.url("/badgeclass"),
            "verification": {"type": "hosted"},
            "issuedOn": self.issued.isoformat(),
            "expires": (self.issued + timedelta(days=3 * 365)).isoformat(),
            "evidence": "https://github.com/owner/ml-project",
        }
        document.update(changes)
        return document

    def signed_assertion(self, **changes: Any) -> dict[str, Any]:
        document = self.assertion("/unused", **changes)
        document["id"] = changes.get("id", f"urn:uuid:{uuid.uuid4()}")
        document["verification"] = {"type": "signed", "creator": self.url("/key")}
        return document

    def signed(self, key: rsa.RSAPrivateKey | None = None, **changes: Any) -> str:
        """A JWS compact serialization of a signed assertion (the payload is the assertion's JSON)."""
        payload = json.dumps(self.signed_assertion(**changes)).encode()
        return jwt.PyJWS().encode(payload, key or self.signing_key, algorithm="RS256")


@pytest.fixture(scope="session")
def issuer_server() -> Iterator[IssuerServer]:
    server = IssuerServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="issuer")  # named so, and defined under another name, so test arguments shadow no import
def issuer_fixture(issuer_server: IssuerServer, settings: Any) -> IssuerServer:
    """The issuer with its standard documents, reachable: the suite allows loopback for it, and only it."""
    settings.CREDENTIALS_FETCH_ALLOWED_NETWORKS = [f"{HOST}/32"]
    settings.CREDENTIALS_FETCH_TIMEOUT = 2
    issuer_server.reset()
    return issuer_server


# --- Baked images -------------------------------------------------------------


def png(*, baked: str | None = None) -> bytes:
    """A 1 by 1 pixel PNG, with ``baked`` in an ``openbadges`` iTXt chunk (as the Open Badges baking spec writes it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = chunk(b"IHDR", (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 6, 0, 0, 0]))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    # keyword, NUL, compression flag 0, method 0, no language tag (NUL), no translated keyword (NUL), text.
    badge = chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + baked.encode()) if baked is not None else b""
    return b"\x89PNG\r\n\x1a\n" + header + badge + pixels + chunk(b"IEND", b"")


def svg(*, baked: str) -> bytes:
    """An SVG badge with ``baked`` in ``<openbadges:assertion>`` (as text, the way signed badges are baked)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" width="10" height="10">'
        f"<openbadges:assertion><![CDATA[{baked}]]></openbadges:assertion>"
        '<rect width="10" height="10" fill="#0b5cad"/></svg>'
    ).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
