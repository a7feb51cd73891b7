"""A staff member turns on the authenticator app in real Chromium, under the Content-Security-Policy.

The code is computed here from the secret the setup page shows (tests/totp.py),
as the phone app would, then typed into the page; signing in again asks for it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.e2e.test_content_security_policy import Watched
from tests.factories import PASSWORD, UserFactory
from tests.totp import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_the_screen(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_staff_member_sets_up_an_authenticator_app_signs_out_and_signs_in_with_its_code(
    new_context: Any, live_server: Any, axe_violations: Any, tmp_path: Path
) -> None:
    """Sign in, open two-factor from the settings page, confirm the password, scan (here: read) the
    secret, type its code, see the recovery codes; signed out and in again, the code is asked for after
    the password and the admin opens. Every page fits 360 px, breaks no CSP rule and passes axe."""
    staff = UserFactory(email="editor@example.com", is_staff=True)
    EmailAddress.objects.update_or_create(user=staff, email=staff.email, defaults={"verified": True, "primary": True})
    browser = Watched(new_context())
    page = browser.page

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    browser.visit("/settings/")
    page.get_by_role("link", name="Two-factor authentication (authenticator app)").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    browser.record("the 2FA overview")
    page.get_by_role("link", name="Activate").click()
    # allauth asks for the password again before the sign-in itself changes.
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    qr = page.get_by_role("img", name=secret)
    expect(qr).to_be_visible()
    # A data: image, which the policy's img-src allows: drawn, not blocked.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "totp-setup-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "totp-setup-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser.record("the setup page")
    assert axe_violations(page) == []

    first = current_code(secret)
    page.get_by_label("Authenticator code").fill(first)
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    browser.record("the recovery codes")
    assert axe_violations(page) == []  # with the layout's "activated" messages shown
    page.reload()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    browser.record("the code at sign-in")
    assert axe_violations(page) == []
    # The setup's code may still be current: allauth spends a code at sign-in, not at setup.
    page.get_by_placeholder("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    admin = browser.visit("/admin/")
    expect(admin.get_by_role("heading", name="Site administration")).to_be_visible()
    browser.record("/admin/")
    assert browser.found == {label: [] for label in browser.found}
