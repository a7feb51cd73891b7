"""The shared plan's link-preview image: a 1200x630 PNG drawn by the app with Pillow.

1200x630 is the size Open Graph consumers (chat apps, social sites) crop
least. The text is drawn with Roboto, shipped by the ``font-roboto`` package
(Apache 2.0), so no system font has to be installed for the image to look the
same everywhere: it covers Latin with its accents, Greek and Cyrillic, where
Pillow's built-in font has ASCII only ("José" would show a box). A name in a
script it lacks (CJK, Arabic...) is left out rather than drawn as boxes.
"""

from __future__ import annotations

import io
from functools import cache

import font_roboto
from PIL import Image, ImageDraw, ImageFont

from .sharing import SharedPlan

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
# The app's light theme (static/css/app.css): the preview looks like the product.
BACKGROUND = "#ffffff"
INK = "#1a1d23"
MUTED = "#4f5663"
ACCENT = "#0b5cad"
TRACK = "#d5dae1"
BAND = "#0b5cad"
OK = "#1b7a3a"
# The image has room for this many levels' bars; more are summed up in words.
MAX_LEVEL_BARS = 5


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_roboto.RobotoBold if bold else font_roboto.Roboto, size)


@cache
def _missing_glyph(size: int) -> tuple[bytes, tuple[int, int]]:
    # U+FFFF is a noncharacter: every font draws it as its "missing glyph" box.
    mask = _font(size).getmask("\uffff")
    return bytes(mask), mask.size


def _drawable(text: str, size: int) -> bool:
    """Whether the font has a glyph for every character of ``text`` (none would come out as a box)."""
    font, missing = _font(size), _missing_glyph(size)
    for char in set(text) - {" "}:
        mask = font.getmask(char)
        if (bytes(mask), mask.size) == missing:
            return False
    return True


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, bold: bool = False) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` pixels at ``size``."""
    font = _font(size, bold)
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _bar(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, height: int, percent: int, colour: str) -> None:
    draw.rounded_rectangle((x, y, x + width, y + height), radius=height // 2, fill=TRACK)
    filled = round(width * max(0, min(percent, 100)) / 100)
    if filled >= height:
        draw.rounded_rectangle((x, y, x + filled, y + height), radius=height // 2, fill=colour)
    elif filled > 0:
        draw.ellipse((x, y, x + height, y + height), fill=colour)


def render_preview(plan: SharedPlan) -> bytes:
    """The preview image of ``plan`` as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, WIDTH, 14), fill=BAND)

    y = 52
    draw.text((MARGIN, y), "CareerPlan", font=_font(30, bold=True), fill=ACCENT)
    y += 56
    owner = f"{plan.owner_name}'s plan" if plan.owner_name and _drawable(plan.owner_name, 34) else "A shared plan"
    draw.text((MARGIN, y), _fit(draw, owner, 34, inner), font=_font(34), fill=MUTED)
    y += 48
    draw.text((MARGIN, y), _fit(draw, plan.track_name, 60, inner, bold=True), font=_font(60, bold=True), fill=INK)
    y += 84
    reached, upcoming = plan.level_reached, plan.next_level
    if reached is not None:
        line, colour = f"Current level: {reached.title}", OK
    elif upcoming is not None:
        line, colour = f"Working towards {upcoming.title}", MUTED
    else:
        line = ""
    if line:
        draw.text((MARGIN, y), _fit(draw, line, 32, inner), font=_font(32), fill=colour)
        y += 50

    progress = plan.progress
    label = f"{progress.percent}% complete · {progress.done} of {progress.counted} done"
    draw.text((MARGIN, y), label, font=_font(30), fill=INK)
    y += 44
    _bar(draw, MARGIN, y, inner, 26, progress.percent, ACCENT)
    y += 50

    levels = plan.levels[:MAX_LEVEL_BARS]
    label_width = 520
    for level in levels:
        title = _fit(draw, level.title, 26, label_width - 16)
        draw.text((MARGIN, y), title, font=_font(26), fill=INK)
        bar_x = MARGIN + label_width
        figure = f"{level.done}/{level.counted}"
        figure_width = 110
        _bar(
            draw,
            bar_x,
            y + 6,
            inner - label_width - figure_width,
            18,
            level.percent,
            OK if level.is_reached else ACCENT,
        )
        draw.text((WIDTH - MARGIN - figure_width + 16, y), figure, font=_font(26), fill=MUTED)
        y += 38
    if len(plan.levels) > MAX_LEVEL_BARS:
        more = len(plan.levels) - MAX_LEVEL_BARS
        draw.text((MARGIN, y), f"and {more} more level{'s' if more != 1 else ''}", font=_font(24), fill=MUTED)

    held = sum(1 for c in plan.certifications if not c.is_expired)
    if held:
        note = f"{held} certification{'s' if held != 1 else ''} held"
        font = _font(28)
        width = int(draw.textlength(note, font=font))
        draw.text((WIDTH - MARGIN - width, 58), note, font=font, fill=OK)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
