"""Session authentication works too (the browsable API), with CSRF on writes."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_a_signed_in_browser_session_reads_the_api_and_needs_csrf_to_write(owner):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get("/api/v1/me/").data["email"] == owner.email
    html = browser.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    refused = browser.patch("/api/v1/me/", {"display_name": "X"})
    assert refused.status_code == 403
    assert "CSRF" in refused.data["message"]
