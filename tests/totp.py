"""An authenticator app in a few lines: the RFC 6238 code a phone shows for a secret.

Written from the RFC, not taken from allauth, so a test that types these codes
checks allauth's side against an independent reading of the standard.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

PERIOD = 30


def code_at(secret: str, moment: float, digits: int = 6) -> str:
    """The code for base32 ``secret`` at Unix time ``moment`` (HMAC-SHA1, 30-second steps)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(moment) // PERIOD), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def current_code(secret: str, margin: float = 3.0) -> str:
    """The code now, first waiting out a step with under ``margin`` seconds left, so it is still valid when typed."""
    if PERIOD - time.time() % PERIOD < margin:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    return code_at(secret, time.time())
