"""The shared plan page and its preview image: what a mentor or a recruiter sees, and nothing private."""

import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests.factories import (
    CareerLevelFactory,
    CareerTrackFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker.models import Category, Enrollment, MilestoneProgress

pytestmark = pytest.mark.django_db


class Meta(HTMLParser):
    """The page's <meta> tags by property or name, and its links with their rel."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, str] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        found = {k: v or "" for k, v in attrs}
        if tag == "meta" and "content" in found:
            self.tags[found.get("property") or found.get("name", "")] = found["content"]
        if tag == "a" and "href" in found:
            self.links.append(found)


def parse(body: str) -> Meta:
    meta = Meta()
    meta.feed(body)
    return meta


@pytest.fixture
def track():
    """A two-level ladder: SQL at Junior; a certification and a project at Senior."""
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    junior = CareerLevelFactory(track=track, slug="junior", title="Junior Data Engineer", order=1)
    senior = CareerLevelFactory(track=track, slug="senior", title="Senior Data Engineer", order=2)
    sql = MilestoneFactory(slug="sql", title="SQL")
    cert = MilestoneFactory(
        slug="gcp-de", title="Google Professional Data Engineer", category=Category.CERTIFICATION, valid_for_months=24
    )
    project = MilestoneFactory(slug="pipeline", title="A production pipeline", category=Category.PROJECT)
    LadderStepFactory(track=track, milestone=sql, level=junior, order=1)
    LadderStepFactory(track=track, milestone=cert, level=senior, order=2)
    LadderStepFactory(track=track, milestone=project, level=senior, order=3)
    return track


@pytest.fixture
def shared(owner, track):
    """The owner's plan, shared: SQL and the certification done, with evidence and private notes."""
    enrollment = EnrollmentFactory(user=owner, track=track)
    MilestoneProgress.objects.set_status(owner, track.steps.get(milestone__slug="sql").milestone, "done")
    MilestoneProgress.objects.set_status(owner, track.steps.get(milestone__slug="gcp-de").milestone, "done")
    MilestoneProgress.objects.filter(user=owner, milestone__slug="sql").update(
        evidence_url="https://github.com/olive/sql-exercises", notes="Private: ask Sam about the salary."
    )
    # Written behind the form's back (an old row, a client of the API): never a link.
    MilestoneProgress.objects.filter(user=owner, milestone__slug="gcp-de").update(evidence_url="javascript:alert(1)")
    return enrollment.share()


def test_it_shows_name_level_progress_by_level_certifications_and_evidence(shared):
    """What a recruiter needs: who, which level, how far per level, which certification until when, the proof."""
    response = Client().get(f"/shared/{shared}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Olive Owner&#x27;s plan: Data Engineer" in body
    assert "Current level: <strong>Junior Data Engineer</strong>" in body
    levels = body[body.index('data-testid="levels"') :]
    assert "Junior Data Engineer" in levels
    assert "1 of 1 done" in levels
    assert "Senior Data Engineer" in levels
    assert "1 of 2 done" in levels
    certifications = body[body.index('data-testid="certifications"') :]
    expires = MilestoneProgress.objects.get(milestone__slug="gcp-de").expires_on
    assert "Google Professional Data Engineer" in certifications
    assert f"Valid until {expires:%-d %b %Y}" in certifications


def test_evidence_links_are_http_only_and_marked_as_user_content(shared):
    """A javascript: URL is not a link; a real one is nofollow, noopener and ugc."""
    body = Client().get(f"/shared/{shared}/").content.decode()
    links = [link for link in parse(body).links if "github.com" in link["href"] or "javascript" in link["href"]]
    assert links == [
        {"href": "https://github.com/olive/sql-exercises", "rel": "nofollow noopener ugc"},
    ]
    assert "javascript:" not in body
    assert ">github.com/olive/sql-exercises</a>" in body


def test_nothing_private_leaks(shared, owner):
    """Never the email, the notes, or the token's owner's account details."""
    body = Client().get(f"/shared/{shared}/").content.decode()
    assert owner.email not in body
    assert "owner@" not in body
    assert "ask Sam" not in body
    assert "Private:" not in body


def test_the_preview_tags_name_the_plan_and_an_image_the_app_draws(shared):
    """Open Graph and Twitter card tags: title, description, the page's address and the preview image's."""
    tags = parse(Client().get(f"/shared/{shared}/").content.decode()).tags
    assert tags["og:title"] == "Olive Owner's plan: Data Engineer"
    assert tags["og:description"] == "Reached Junior Data Engineer; 66% complete (2 of 3 done); 1 certification held."
    assert tags["og:url"] == f"http://testserver/shared/{shared}/"
    assert tags["og:image"] == f"http://testserver/shared/{shared}/preview.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == tags["og:title"]
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["description"] == tags["og:description"]


def test_the_preview_image_is_a_1200_by_630_png(shared):
    response = Client().get(f"/shared/{shared}/preview.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Robots-Tag"] == "noindex"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_preview_image_is_kept_until_the_plan_changes(shared, owner, track):
    """Drawn once per version of the plan: the second fetch reads no progress; a change draws it anew."""
    client = Client()
    first = client.get(f"/shared/{shared}/preview.png").content
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/shared/{shared}/preview.png").content
    assert again == first
    assert not [q for q in queries if "tracker_milestoneprogress" in q["sql"]]
    MilestoneProgress.objects.set_status(owner, track.steps.get(milestone__slug="pipeline").milestone, "done")
    assert client.get(f"/shared/{shared}/preview.png").content != first


@pytest.mark.parametrize("suffix", ["", "preview.png"])
def test_a_revoked_link_is_the_sites_404_page(shared, suffix):
    """Once the owner stops sharing, the page and its image are gone, with the product's 404 page."""
    Enrollment.objects.get(share_token=shared).unshare()
    response = Client().get(f"/shared/{shared}/{suffix}")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"stops working when its owner stops sharing it" in response.content


@pytest.mark.parametrize("suffix", ["", "preview.png"])
def test_an_unknown_link_is_the_sites_404_page(db, suffix):
    response = Client().get(f"/shared/{'x' * 43}/{suffix}")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_a_left_plan_is_no_longer_shared(shared):
    """An archived plan's old link is not found, though its token is still on the row."""
    Enrollment.objects.get(share_token=shared).change_status("archived")
    assert Client().get(f"/shared/{shared}/").status_code == 404
    assert Client().get(f"/shared/{shared}/preview.png").status_code == 404


def _grow(owner, track, levels: int) -> None:
    """``levels`` more levels, each with a certification and a skill, both done with evidence."""
    for n in range(levels):
        level = CareerLevelFactory(track=track, title=f"Extra {n}", order=10 + n)
        for kind in ("cert", "skill"):
            milestone = MilestoneFactory(
                category=Category.CERTIFICATION if kind == "cert" else Category.SKILL,
                valid_for_months=12 if kind == "cert" else None,
            )
            LadderStepFactory(track=track, milestone=milestone, level=level, order=100 + n)
            MilestoneProgress.objects.set_status(owner, milestone, "done")
            MilestoneProgress.objects.filter(user=owner, milestone=milestone).update(
                evidence_url=f"https://example.com/{milestone.slug}"
            )


def _queries(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("suffix", ["", "preview.png"])
def test_the_query_count_does_not_grow_with_the_plan(shared, owner, track, settings, suffix):
    """Ten times the levels, certifications and evidence links cost the same queries."""
    settings.READ_CACHE_SECONDS = 0  # count the work, not the cache
    _grow(owner, track, 1)
    small = _queries(f"/shared/{shared}/{suffix}")
    _grow(owner, track, 9)
    assert _queries(f"/shared/{shared}/{suffix}") == small


def test_the_preview_image_cuts_a_long_name_to_fit_and_sums_up_many_levels(owner, track):
    """A 120-character track name ends in an ellipsis inside the image; levels beyond five are counted in words."""
    from PIL import ImageDraw

    from tracker import share_image
    from tracker.sharing import shared_plan

    track.name = ("Machine Learning Engineer for Large-Scale Distributed Recommendation Systems " * 2)[:120]
    track.save()
    for n in range(6):
        level = CareerLevelFactory(track=track, title=f"Staff level {n}", order=10 + n)
        LadderStepFactory(track=track, milestone=MilestoneFactory(), level=level, order=10 + n)
    enrollment = EnrollmentFactory(user=owner, track=track)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    width = share_image.WIDTH - 2 * share_image.MARGIN
    cut = share_image._fit(draw, track.name, 60, width)
    assert cut.endswith("…")
    assert draw.textlength(cut, font=share_image._font(60)) <= width
    plan = shared_plan(enrollment)
    assert len(plan.levels) == 8
    image = Image.open(io.BytesIO(share_image.render_preview(plan)))
    assert image.size == (1200, 630)


@pytest.mark.parametrize("suffix", ["", "preview.png"])
def test_a_crawlers_head_request_is_answered_and_a_post_is_not_allowed(shared, suffix):
    """Link-preview crawlers send HEAD before GET; nothing on a shared link takes a POST."""
    head = Client().head(f"/shared/{shared}/{suffix}")
    assert head.status_code == 200
    assert head.content == b""
    assert Client().post(f"/shared/{shared}/{suffix}").status_code == 405


@pytest.mark.parametrize(
    ("name", "drawable"),
    [("José Müller", True), ("Łucja Őrs", True), ("Жанна Σοφία", True), ("王芳", False)],
)
def test_the_preview_font_draws_accented_greek_and_cyrillic_names(name, drawable):
    """Names in those scripts are drawn; one the font cannot draw is left out, never shown as boxes."""
    from tracker import share_image

    assert share_image._drawable(name, 34) is drawable


def test_an_evidence_link_reads_as_its_host_and_path_cut_to_a_line():
    from tracker.sharing import EVIDENCE_LABEL_MAX, Evidence

    assert Evidence("SQL", "https://github.com/olive/sql/", "github.com").label == "github.com/olive/sql"
    long = Evidence("SQL", "https://example.com/" + "a" * 80 + "?token=secret", "example.com").label
    assert len(long) == EVIDENCE_LABEL_MAX
    assert long.endswith("…")
    assert "secret" not in long
