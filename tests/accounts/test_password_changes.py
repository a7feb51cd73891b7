"""A new password, wherever it is set, ends the person's API refresh tokens and their other web sessions.

The web's own change page keeps the browser it was made in signed in; a
hash upgrade at sign-in is not a new password; ``credentials_changed`` tells
the other apps once per new password.
"""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import User

TOKEN, REFRESH = "/api/v1/auth/token/", "/api/v1/auth/token/refresh/"
NEW_PASSWORD = "a brand new passphrase 77"


def pair(anon, email, password):
    response = anon.post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200, response.data
    return response.data


def browser_of(user) -> tuple[Client, str]:
    """A browser signed in as ``user``, and its session's key in the database."""
    browser = Client()
    browser.force_login(user)
    return browser, browser.session.session_key


def signed_in(browser) -> bool:
    return browser.get("/settings/").status_code == 200


def session_exists(key: str) -> bool:
    return Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [{"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, {"usable_password": "false", "unset-password": "1"}],
    ids=["new-password", "password-sign-in-turned-off"],
)
def test_the_admins_password_form_revokes_the_persons_tokens_and_sessions_and_no_one_elses(
    anon, owner, other, staff, password, form
):
    mine, theirs = pair(anon, owner.email, password), pair(anon, other.email, password)
    phone_browser, phone_session = browser_of(owner)
    other_browser, _ = browser_of(other)
    admin_browser, _ = browser_of(staff)

    response = admin_browser.post(f"/admin/accounts/user/{owner.pk}/password/", form)

    assert response.status_code == 302, response.content
    assert anon.post(REFRESH, {"refresh": mine["refresh"]}).status_code == 401
    assert not session_exists(phone_session)
    assert not signed_in(phone_browser)
    # Nobody else is signed out: the other person, and the admin who made the change.
    assert anon.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200
    assert signed_in(other_browser)
    assert signed_in(admin_browser)


@pytest.mark.django_db
def test_changepassword_revokes_the_persons_tokens_and_sessions(anon, owner, password, monkeypatch):
    tokens = pair(anon, owner.email, password)
    browser, session = browser_of(owner)
    # The command reads the new password twice from the terminal.
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass", lambda prompt="": NEW_PASSWORD
    )

    call_command("changepassword", owner.email, stdout=None)

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert not session_exists(session)
    assert not signed_in(browser)


@pytest.mark.django_db
def test_set_password_then_save_anywhere_revokes_the_persons_tokens_and_sessions(anon, owner, other, password):
    tokens, theirs = pair(anon, owner.email, password), pair(anon, other.email, password)
    _, session = browser_of(owner)
    other_browser, _ = browser_of(other)

    person = User.objects.get(pk=owner.pk)
    person.set_password(NEW_PASSWORD)
    person.save()

    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert not session_exists(session)
    assert anon.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200
    assert signed_in(other_browser)
    assert anon.post(REFRESH, {"refresh": pair(anon, owner.email, NEW_PASSWORD)["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_a_hash_written_directly_counts_as_a_new_password(anon, owner, password):
    """Code that stores a hash itself (``password = make_password(...)``) is caught by the stored hash."""
    tokens = pair(anon, owner.email, password)
    person = User.objects.get(pk=owner.pk)
    person.password = make_password(NEW_PASSWORD)
    person.save(update_fields=["password"])

    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


@pytest.mark.django_db
def test_changing_my_own_password_on_the_web_keeps_this_browser_and_ends_the_others(anon, owner, password):
    tokens = pair(anon, owner.email, password)
    laptop, laptop_session = browser_of(owner)
    phone_browser, phone_session = browser_of(owner)

    response = laptop.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302, response.content
    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert not session_exists(phone_session)
    assert not signed_in(phone_browser)
    # update_session_auth_hash moved the laptop's session to a new key, still signed in.
    assert laptop.session.session_key != laptop_session
    assert session_exists(laptop.session.session_key)
    assert signed_in(laptop)


@pytest.mark.django_db
def test_an_admin_changing_their_own_password_in_the_admin_stays_signed_in_there_only(staff):
    admin_browser, _ = browser_of(staff)
    elsewhere, elsewhere_session = browser_of(staff)

    response = admin_browser.post(
        f"/admin/accounts/user/{staff.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302, response.content
    assert signed_in(admin_browser)
    assert not session_exists(elsewhere_session)
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_saving_the_person_without_a_new_password_revokes_nothing(anon, owner, password):
    """A profile edit or a last-login stamp: every token and session keeps working."""
    tokens = pair(anon, owner.email, password)
    browser, session = browser_of(owner)

    person = User.objects.get(pk=owner.pk)
    person.display_name = "Olive O."
    person.save()
    person.save(update_fields=["last_login"])

    assert session_exists(session)
    assert signed_in(browser)
    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_a_hash_upgrade_at_sign_in_is_not_a_new_password(anon, owner, password):
    """Signing in with a password kept under an older hasher rehashes it: the same password, nobody signed out."""
    tokens = pair(anon, owner.email, password)
    assert User.objects.get(pk=owner.pk).password.startswith("md5$")
    stronger_first = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=stronger_first):
        assert anon.post(TOKEN, {"email": owner.email, "password": password}).status_code == 200

    assert User.objects.get(pk=owner.pk).password.startswith("scrypt$")
    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_credentials_changed_is_sent_once_per_new_password_and_for_nothing_else(owner, password):
    """The signal other apps react to (nudges drops the devices): a new password, not a new account or profile."""
    from accounts.signals import credentials_changed

    sent = []
    credentials_changed.connect(lambda sender, user, **kw: sent.append(user.pk), weak=False, dispatch_uid="t")
    try:
        person = User.objects.create_user("new@example.com", NEW_PASSWORD)
        person.display_name = "New"
        person.save()
        assert person.check_password(NEW_PASSWORD)
        person.set_password(password)
        person.save()
        owner.set_password(NEW_PASSWORD)
        owner.save()
    finally:
        credentials_changed.disconnect(dispatch_uid="t")

    assert sent == [person.pk, owner.pk]
