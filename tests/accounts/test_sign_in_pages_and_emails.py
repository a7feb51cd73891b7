"""Sign-up, sign-in, confirmation and password reset: the product's words and layout, on the page and in the mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail

PAGES = ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/done/"]


def main_of(response):
    body = response.content.decode()
    return body[body.index('<main id="main"') : body.index("</main>")]


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_say_sign_in_and_sign_up_the_one_way(client, db, url):
    main = main_of(client.get(url))
    assert not re.search(r"Sign In|Sign Up|Log in|Login|Signup|Password Reset", main), main
    assert 'class="site-header"' in client.get(url).content.decode()


def test_sign_in_links_to_sign_up_and_to_a_new_password(client, db):
    main = main_of(client.get("/accounts/login/?next=/tracks/"))
    assert 'href="/accounts/signup/?next=%2Ftracks%2F"' in main
    assert 'href="/accounts/password/reset/"' in main
    assert ">Sign in</button>" in main


def test_an_empty_sign_up_is_summarised_at_the_top_and_explained_beside_each_field(client, db):
    main = main_of(client.post("/accounts/signup/", {}))
    summary = main[: main.index("<h1>")]
    for field, label in (("email", "Email address"), ("password1", "Password"), ("password2", "Password again")):
        assert f'<a href="#id_{field}">{label}: This field is required.</a>' in summary
        assert f'id="id_{field}_error"' in main
    assert re.search(r'<input type="email" name="email"[^>]*aria-invalid="true"', main)


def test_a_wrong_password_is_said_once_at_the_top_and_beside_the_form(client, owner):
    main = main_of(client.post("/accounts/login/", {"login": owner.email, "password": "not it"}))
    assert '<a href="#id_login">That email address and password do not match an account.' in main
    assert main.count("do not match an account") == 2  # the summary, and the form


def test_mismatched_new_passwords_are_named_beside_the_second(client, db):
    main = main_of(
        client.post("/accounts/signup/", {"email": "a@example.com", "password1": "a long phrase 1", "password2": "x"})
    )
    assert '<a href="#id_password2">Password again: You must type the same password each time.</a>' in main


def no_leftovers(message):
    text = message.body + "".join(str(alt[0]) for alt in message.alternatives)
    assert "Hello from" not in text
    assert "Thank you for using" not in text
    # The host appears only inside links, never as a signature or greeting.
    assert not re.search(r"(?<![/.\w])(testserver|127\.0\.0\.1|example\.com)(?![\w/.:])", re.sub(r"\S+@\S+", "", text))
    assert message.subject.startswith("[CareerPlan] ")
    assert message.alternatives, "an HTML part beside the text"


def test_the_confirmation_mail_is_ours(client, db):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a long phrase 42", "password2": "a long phrase 42"},
    )
    (message,) = mail.outbox
    assert message.subject == "[CareerPlan] Confirm your email address"
    assert "To confirm it and start your plan, open this link" in message.body
    no_leftovers(message)


def test_the_password_reset_mail_is_ours(client, owner):
    client.post("/accounts/password/reset/", {"email": owner.email})
    (message,) = mail.outbox
    assert message.subject == "[CareerPlan] Choose a new password"
    assert "/accounts/password/reset/key/" in message.body
    no_leftovers(message)


def test_a_reset_for_an_address_without_an_account_says_so_to_that_address(client, db):
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    (message,) = mail.outbox
    assert message.subject == "[CareerPlan] No CareerPlan account uses this address"
    assert "/accounts/signup/" in message.body
    no_leftovers(message)


def test_a_used_or_broken_reset_link_explains_and_offers_a_new_one(client, owner):
    main = main_of(client.get("/accounts/password/reset/key/1-set-password/"))
    assert "This link has expired or was already used" in main
    assert 'href="/accounts/password/reset/"' in main


def test_a_broken_confirmation_link_says_what_to_do(client, db):
    main = main_of(client.get("/accounts/confirm-email/not-a-key/"))
    assert "This link has expired or was already used" in main
    assert 'href="/accounts/login/"' in main
