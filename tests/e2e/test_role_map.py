"""The map of roles in a real browser: every track drawn exactly where its scores put it, readable on a phone.

Positions are measured on screen against the map's own grid lines (one per
axis value, drawn at its tick label), so the test holds whatever the drawing
code does: the point marking a track (its bubble's centre, or the dot its
offset bubble is tied to) must sit on the lines of its software-engineering
and machine-learning scores.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tracker.models import CareerTrack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Where each track's point is on screen, where each value's grid line is, and each bubble's circle.
MEASURE = """() => {
  const map = document.querySelector('[data-testid=role-map] svg');
  const centre = el => { const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
  const ticksX = {}, ticksY = {};
  map.querySelectorAll('.map-grid-x').forEach(t => { ticksX[t.dataset.value] = centre(t)[0]; });
  map.querySelectorAll('.map-grid-y').forEach(t => { ticksY[t.dataset.value] = centre(t)[1]; });
  const points = {}, circles = [];
  map.querySelectorAll('a.map-bubble').forEach(a => {
    const circle = a.querySelector('circle');
    const anchor = map.querySelector(`.map-anchor[data-track="${a.dataset.track}"]`);
    const r = circle.getBoundingClientRect();
    circles.push({track: a.dataset.track, x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2});
    points[a.dataset.track] = {
      at: centre(anchor || circle), se: +a.dataset.se, ml: +a.dataset.ml, offset: !!anchor,
      name: a.querySelector('title').textContent,
    };
  });
  return {ticksX, ticksY, points, circles};
}"""


@pytest.fixture
def seeded_live(live_server):
    call_command("loaddata", "careerplan", verbosity=0)
    return live_server


@pytest.mark.parametrize("width", [1280, 360])
def test_every_bubble_sits_where_its_scores_put_it_and_none_hides_another(new_context, seeded_live, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto("/tracks/")
    found = page.evaluate(MEASURE)
    published = {t.slug: t for t in CareerTrack.objects.published()}
    assert set(found["points"]) == set(published)
    for slug, point in found["points"].items():
        track = published[slug]
        assert (point["se"], point["ml"]) == (track.se_skill, track.ml_knowledge)
        x, y = point["at"]
        assert abs(x - found["ticksX"][str(track.se_skill)]) < 1, slug
        assert abs(y - found["ticksY"][str(track.ml_knowledge)]) < 1, slug
        assert track.name in point["name"]  # named on hover
    # The seed's ML-engineer specialisations share points: drawn apart, and no two bubbles overlap.
    assert any(p["offset"] for p in found["points"].values())
    circles = found["circles"]
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            distance = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            assert distance >= a["r"] + b["r"] - 0.5, (a["track"], b["track"])


def test_the_map_fits_a_phone_without_scrolling_sideways_and_keeps_its_labels_readable(new_context, seeded_live):
    page = new_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto("/tracks/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("[data-testid=role-map] svg").bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    # Tick and axis labels at least 12 px tall on screen.
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.map-tick, .map-axis')]"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 12


def test_screen_readers_get_each_bubble_by_name_and_the_map_as_a_table(new_context, seeded_live):
    page = new_context().new_page()
    page.goto("/tracks/")
    link = page.get_by_role("link", name="2. Machine Learning Engineer: software engineering 4 of 5")
    assert link.count() == 1
    page.get_by_text("The map as a table").click()
    row = page.get_by_role("row", name="Data Engineer")
    assert row.get_by_role("cell").all_inner_texts() == ["4", "2", "2"]
