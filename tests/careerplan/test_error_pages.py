"""Errors in the product's layout: a 404 that says what may have happened, a 500 that needs nothing to render."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_a_404_in_the_sites_layout():
    response = Client().get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in body
    assert 'class="site-header"' in body
    assert 'href="/tracks/"' in body


def test_a_revoked_shared_link_is_the_same_404(owner):
    body = Client().get("/shared/" + "A" * 43 + "/")
    assert body.status_code == 404
    assert "stops working when its owner stops sharing it" in body.content.decode()


def test_the_500_page_renders_without_a_request_or_a_database():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body
