"""The plan page's Proof part and the shared page's "Verified": attach, check again, remove, refusals.

Plain form posts (no JavaScript) and htmx requests alike, against the local issuer.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.models import Badge, BadgeState
from tests.factories import LadderStepFactory, MilestoneFactory
from tracker.models import MilestoneProgress

from .issuer import png


def add_url(plan, milestone):
    return f"/plans/{plan.pk}/milestones/{milestone.slug}/badges/"


def field(milestone, name):
    return f"b{milestone.pk}-{name}"


def test_the_plan_shows_a_proof_part_with_the_form_on_each_milestone(client, owner, plan, milestone):
    client.force_login(owner)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'id="m-{milestone.slug}-proof"' in page
    assert 'id="m-python-proof"' in page
    assert f'name="{field(milestone, "url")}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "css/credentials.css" in page
    assert page.count("css/credentials.css") == 1


def test_it_attaches_a_pasted_badge_url_and_shows_it_verified(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    response = client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/#m-{milestone.slug}-proof"
    badge = Badge.objects.get(user=owner, milestone=milestone)
    assert badge.state == BadgeState.VERIFIED
    assert badge.source_url == issuer.url("/assertions/valid")
    page = client.get(response["Location"]).content.decode()
    assert "Verified</span>" in page
    assert "issued by Example ML Academy on" in page
    assert "Checked “Machine Learning Engineer - Associate”: verified." in page


def test_an_unverified_badge_is_kept_with_the_reason(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/someone-else")})
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Not issued to you" in page
    assert "not one of your confirmed addresses" in page


def test_it_reads_a_badge_from_an_uploaded_baked_image(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    image = SimpleUploadedFile("badge.png", png(baked=issuer.signed()), content_type="image/png")
    response = client.post(add_url(plan, milestone), {field(milestone, "image"): image})
    assert response.status_code == 302
    badge = Badge.objects.get(user=owner, milestone=milestone)
    assert badge.state == BadgeState.VERIFIED
    assert badge.from_image
    assert badge.baked.count(".") == 2  # the JWS, checked again from here


def test_with_htmx_the_proof_part_is_swapped_in_place(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    response = client.post(
        add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<section class="proof" id="m-{milestone.slug}-proof"')
    assert "Verified" in body
    assert 'id="error-summary" hidden hx-swap-oob="true"' in body
    badge = Badge.objects.get()
    assert f'id="badge-{badge.pk}" data-testid="badge" tabindex="-1" autofocus' in body


def test_a_refusal_without_javascript_shows_the_plan_with_the_error_beside_the_field_and_on_top(
    client, owner, plan, milestone
):
    client.force_login(owner)
    response = client.post(add_url(plan, milestone), {field(milestone, "url"): "ftp://files.example.com/badge"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert f'<a href="#id_{field(milestone, "url")}">AWS ML Engineer Associate, badge: Only http and https' in page
    assert f'id="id_{field(milestone, "url")}_error"' in page
    assert 'value="ftp://files.example.com/badge"' in page  # kept as typed
    assert not Badge.objects.exists()


def test_a_refusal_with_htmx_comes_with_the_error_summary_out_of_band(client, owner, plan, milestone):
    client.force_login(owner)
    response = client.post(add_url(plan, milestone), {}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Paste a badge URL or choose an image." in body
    assert 'id="error-summary" class="error-summary"' in body
    assert 'hx-swap-oob="true"' in body


def test_hostile_input_is_a_clear_400(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    url = field(milestone, "url")
    cases = [
        ({url: "https://example.com/" + "a" * 5000}, "at most 2000 characters"),
        ({url: "http://10.0.0.1/assertion"}, "private network"),
        ({url: "file:///etc/passwd"}, "Only http and https"),
        ({field(milestone, "image"): SimpleUploadedFile("cat.png", b"GIF89a....", "image/png")}, "a PNG or SVG file"),
        ({field(milestone, "image"): SimpleUploadedFile("x.png", png(), "image/png")}, "no badge baked into it"),
        (
            {field(milestone, "image"): SimpleUploadedFile("big.png", png() + b"\x00" * (1024 * 1024), "image/png")},
            "larger than 1024 KB",
        ),
        (
            {url: issuer.url("/assertions/valid"), field(milestone, "image"): SimpleUploadedFile("b.png", png())},
            "not both",
        ),
    ]
    for data, message in cases:
        response = client.post(add_url(plan, milestone), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    assert not Badge.objects.exists()


def test_the_same_badge_twice_is_refused(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    data = {field(milestone, "url"): issuer.url("/assertions/valid")}
    client.post(add_url(plan, milestone), data)
    response = client.post(add_url(plan, milestone), data)
    assert response.status_code == 400
    assert "already attached" in response.content.decode()
    assert Badge.objects.count() == 1


def test_check_again_records_the_issuers_news(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    badge = Badge.objects.get()
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", revoked=True))
    response = client.post(f"{add_url(plan, milestone)}{badge.pk}/check/")
    assert response.status_code == 302
    badge.refresh_from_db()
    assert badge.state == BadgeState.REVOKED
    assert "Revoked" in client.get(f"/plans/{plan.pk}/").content.decode()


def test_remove_takes_the_badge_off(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    badge = Badge.objects.get()
    response = client.post(f"{add_url(plan, milestone)}{badge.pk}/remove/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not Badge.objects.exists()
    assert 'tabindex="-1" autofocus>Proof<' in response.content.decode()


def test_another_persons_badge_is_not_found(client, owner, other, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    badge = Badge.objects.get()
    client.force_login(other)
    for action in ("check", "remove"):
        assert client.post(f"{add_url(plan, milestone)}{badge.pk}/{action}/").status_code == 404
    assert client.post(add_url(plan, milestone), {field(milestone, "url"): "https://x.example/"}).status_code == 404
    assert Badge.objects.filter(pk=badge.pk, state=BadgeState.VERIFIED).exists()


def test_a_badge_is_reached_only_through_its_own_milestone(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    badge = Badge.objects.get()
    assert client.post(f"/plans/{plan.pk}/milestones/python/badges/{badge.pk}/remove/").status_code == 404


def test_the_actions_take_a_post_and_a_signed_in_person(client, owner, plan, milestone):
    url = add_url(plan, milestone)
    assert client.post(url).status_code == 302  # to the login
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(owner)
    assert client.get(url).status_code == 405


def test_the_shared_page_shows_verified_badges_and_nothing_private(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/someone-else")})
    token = plan.share()
    client.logout()
    page = client.get(f"/shared/{token}/").content.decode()
    assert page.count('data-testid="shared-badge"') == 1  # the verified one only
    assert "Machine Learning Engineer - Associate, issued by Example ML Academy" in page
    assert owner.email not in page
    assert issuer.base not in page  # no assertion URL (it names its recipient, hashed)


def test_typed_evidence_shows_in_the_proof_part(client, owner, plan, milestone):
    MilestoneProgress.objects.update_state(owner, milestone, evidence_url="https://github.com/olive/churn-model")
    client.force_login(owner)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "GitHub repository olive/churn-model</a>" in page


def test_badges_cost_one_query_per_page_however_many_milestones_hold_them(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    for n in range(3):
        extra = MilestoneFactory(slug=f"extra-{n}")
        LadderStepFactory(track=plan.track, milestone=extra, order=10 + n)
        client.post(add_url(plan, extra), {field(extra, "url"): issuer.url("/assertions/valid")})
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    assert Badge.objects.count() == 4
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert page.count('data-testid="badge"') == 4
    assert sum("credentials_badge" in q["sql"] for q in queries.captured_queries) == 1


def test_a_panel_the_tracker_swaps_in_keeps_its_proof(client, owner, plan, milestone, issuer):
    client.force_login(owner)
    client.post(add_url(plan, milestone), {field(milestone, "url"): issuer.url("/assertions/valid")})
    response = client.post(
        f"/plans/{plan.pk}/milestones/{milestone.slug}/status/", {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="m-{milestone.slug}-proof"' in body
    assert 'data-testid="badge-state">Verified<' in body
