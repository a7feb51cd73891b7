"""Typed evidence: a GitHub repository, a Kaggle profile, a Credly badge, a certificate PDF, read from the URL."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from credentials.evidence import recognise


@pytest.mark.parametrize(
    ("url", "kind", "label"),
    [
        ("https://github.com/olive/churn-model", "github_repository", "GitHub repository olive/churn-model"),
        (
            "https://www.github.com/olive/churn-model/tree/main/src",
            "github_repository",
            "GitHub repository olive/churn-model",
        ),
        ("https://github.com/olive/churn-model.git", "github_repository", "GitHub repository olive/churn-model"),
        ("https://github.com/olive", "github_profile", "GitHub profile olive"),
        ("https://www.kaggle.com/olivecodes", "kaggle_profile", "Kaggle profile olivecodes"),
        ("https://www.credly.com/badges/5f1c3e0a-1234-4bcd-9ef0-0a1b2c3d4e5f", "credly_badge", "Credly badge"),
        (
            "https://www.credly.com/badges/5f1c3e0a-1234-4bcd-9ef0-0a1b2c3d4e5f/public_url",
            "credly_badge",
            "Credly badge",
        ),
        ("https://certs.example.com/olive/aws-mla-c01.PDF", "certificate_pdf", "Certificate (PDF)"),
        ("https://cdn.example.com/cert.pdf?download=1", "certificate_pdf", "Certificate (PDF)"),
    ],
)
def test_it_recognises_the_kinds_of_evidence(url, kind, label):
    found = recognise(url)
    assert found is not None
    assert (found.kind, found.label, found.url) == (kind, label, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/my-work",
        "https://github.com/orgs/acme/repositories",
        "https://github.com/settings/profile",
        "https://www.kaggle.com/competitions/titanic",
        "https://www.kaggle.com/code/olive/eda",
        "https://www.credly.com/users/olive",
        "javascript:alert(1)//.pdf",
        "ftp://files.example.com/cert.pdf",
        "",
        "not a url",
        "http://[::1",
    ],
)
def test_anything_else_is_no_kind(url):
    assert recognise(url) is None


def test_the_template_tag_names_the_link_and_escapes_what_it_shows():
    template = Template("{% load badges %}{% evidence_link url %}")
    html = template.render(Context({"url": "https://github.com/olive/churn-model"}))
    assert html == (
        '<a href="https://github.com/olive/churn-model" rel="noopener nofollow" '
        'class="evidence evidence-github_repository" data-testid="evidence-link">'
        "GitHub repository olive/churn-model</a>"
    )
    plain = template.render(Context({"url": 'https://example.com/?q="><script>'}))
    assert "<script>" not in plain
    assert "&lt;script&gt;" in plain
    assert template.render(Context({"url": "javascript:alert(1)"})) == "javascript:alert(1)"
    assert template.render(Context({"url": ""})) == ""
