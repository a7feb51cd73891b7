"""Reading the assertion baked into a badge image (Open Badges 2.0 "Baking").

A baked PNG carries it in an ``iTXt`` chunk with the keyword ``openbadges``;
a baked SVG in an ``<openbadges:assertion>`` element (its ``verify``
attribute, else its text). ``openbadges-bakery`` (1EdTech's own) reads both:
pypng for the chunks, defusedxml for the SVG, so an SVG with entity tricks
(billion laughs, external entities) is refused rather than expanded.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openbadges_bakery import unbake

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotABadgeImage(ValueError):
    """The upload is no PNG or SVG, or one with no badge baked in; the message is meant for the person."""


def image_kind(data: bytes) -> str:
    """``"png"``, ``"svg"`` or ``""``, from the bytes themselves (never the name or the browser's type)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "svg"
    return ""


def assertion_in(data: bytes) -> str:
    """The text baked into the image ``data``: an assertion's JSON, a JWS, or a URL."""
    if not image_kind(data):
        raise NotABadgeImage(_("Upload a badge image: a PNG or SVG file."))
    try:
        found = unbake(io.BytesIO(data))
    except IndexError:  # an SVG with no <openbadges:assertion>
        raise NotABadgeImage(_("This image has no badge baked into it.")) from None
    except Exception:
        # pypng and defusedxml raise their own kinds for a broken or hostile
        # file (bad CRC, truncated chunk, entity declarations): all the same here.
        raise NotABadgeImage(_("The image could not be read.")) from None
    if not found or not str(found).strip():
        raise NotABadgeImage(_("This image has no badge baked into it."))
    return str(found).strip()
