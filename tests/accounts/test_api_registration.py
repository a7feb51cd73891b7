"""API registration: a confirmed address before any token, and the same answer for a taken address as a new one.

``POST auth/register/`` answers 202 and the rest arrives by email: a link to
confirm a new address, or, for an address that has an account, a note to its
owner. ``auth/token/`` refuses an account until its address is confirmed
(403 ``email_not_verified``), and ``auth/verify-email/resend/`` mails a new
link, answering the same whatever the address.
"""

import re
import statistics
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

REGISTER, TOKEN, RESEND = "/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/verify-email/resend/"
PASSPHRASE = "a long and unusual passphrase"


def confirmation_link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def test_it_registers_an_unconfirmed_account_and_mails_the_link_to_confirm_it(anon):
    response = anon.post(
        REGISTER, {"email": "New@Example.com", "password": PASSPHRASE, "timezone": "Europe/Paris"}, format="json"
    )
    assert response.status_code == 202
    assert response.json() == {
        "email": "new@example.com",
        "message": "Check your inbox: we have sent new@example.com a link to confirm the address. "
        "Once it is confirmed, sign in with auth/token/.",
    }
    user = User.objects.get(email="new@example.com")
    assert user.timezone == "Europe/Paris"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")) == [
        ("new@example.com", True, False)
    ]
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert mail.outbox[0].subject == "[CareerPlan] Confirm your email address"
    confirmation_link(mail.outbox[0])


def test_no_token_until_the_address_is_confirmed_then_tokens_work(anon):
    anon.post(REGISTER, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    refused = anon.post(TOKEN, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"
    assert "Confirm your email address first" in refused.json()["message"]
    # A wrong password is still a wrong password: the 403 tells nothing to whoever does not know it.
    assert anon.post(TOKEN, {"email": "new@example.com", "password": "not it at all"}).status_code == 401

    assert Client().post(confirmation_link(mail.outbox[0])).status_code == 302
    pair = anon.post(TOKEN, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    assert pair.status_code == 200
    me = anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair.json()['access']}")
    assert me.json()["email"] == "new@example.com"


def test_with_verification_optional_the_api_signs_in_an_unconfirmed_account_as_the_web_does(anon, settings):
    """ACCOUNT_EMAIL_VERIFICATION=optional lets people in unconfirmed, on the web and in the API alike."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    anon.post(REGISTER, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    assert anon.post(TOKEN, {"email": "new@example.com", "password": PASSPHRASE}, format="json").status_code == 200
    assert not User.objects.reachable().exists()  # reminders still wait for the confirmation


def test_an_account_from_before_addresses_were_recorded_is_refused_too(anon, password):
    """Accounts registered through the API before this change have no EmailAddress row at all."""
    legacy = User.objects.create_user("legacy@example.com", password)
    response = anon.post(TOKEN, {"email": legacy.email, "password": password}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "email_not_verified")


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_note_instead_of_an_account(anon, owner, password):
    taken = anon.post(REGISTER, {"email": "OWNER@example.com", "password": PASSPHRASE}, format="json")
    new = anon.post(REGISTER, {"email": "fresh@example.com", "password": PASSPHRASE}, format="json")
    assert taken.status_code == new.status_code == 202
    assert set(taken.json()) == set(new.json()) == {"email", "message"}
    assert taken.json()["message"] == new.json()["message"].replace("fresh@example.com", "owner@example.com")
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(password)  # the owner's account is as it was
    note = next(m for m in mail.outbox if m.to == ["owner@example.com"])
    assert note.subject == "[CareerPlan] Someone tried to sign up with your address"
    assert "/accounts/password/reset/" in note.body


def test_a_taken_address_takes_as_long_to_answer_as_a_new_one(anon, settings):
    """With production's password hasher, a new account's hash would set it apart; a taken one hashes too.

    The ratio of the medians of the CPU time of this process, which serves
    the request (the test client): other processes on the machine do not blur it.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    samples = 9
    taken = [User.objects.create_user(f"taken{n}@example.com", PASSPHRASE) for n in range(samples)]

    def seconds(email):
        started = time.process_time()
        assert anon.post(REGISTER, {"email": email, "password": PASSPHRASE}, format="json").status_code == 202
        return time.process_time() - started

    new_times, taken_times = [], []
    for n in range(samples):  # interleaved, so a slow moment of the machine hits both
        new_times.append(seconds(f"new{n}@example.com"))
        taken_times.append(seconds(taken[n].email))
    ratio = statistics.median(taken_times) / statistics.median(new_times)
    assert 0.8 < ratio < 1.25, (new_times, taken_times)


def test_the_confirmation_mail_carries_nothing_the_visitor_typed(anon):
    """The display name waits for the confirmation: a stranger's inbox never shows it."""
    anon.post(
        REGISTER,
        {"email": "stranger@example.com", "password": PASSPHRASE, "display_name": "Claim your prize now"},
        format="json",
    )
    (message,) = mail.outbox
    assert "Claim your prize" not in message.body
    assert all("Claim your prize" not in body for body, _ in message.alternatives)


def test_resend_answers_the_same_for_any_address_and_mails_only_an_unconfirmed_account(anon, owner):
    anon.post(REGISTER, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    mail.outbox.clear()
    from django.core.cache import cache

    cache.clear()  # the per-address limit allowed the registration's mail only
    answers = {
        email: anon.post(RESEND, {"email": email}, format="json")
        for email in ("NEW@example.com", "owner@example.com", "nobody@example.com")
    }
    assert {r.status_code for r in answers.values()} == {202}
    assert {tuple(r.json()) for r in answers.values()} == {("email", "message")}
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert Client().post(confirmation_link(mail.outbox[0])).status_code == 302
    assert User.objects.get(email="new@example.com").has_verified_email


def test_resend_sends_at_most_one_mail_per_address_every_few_minutes(anon):
    anon.post(REGISTER, {"email": "new@example.com", "password": PASSPHRASE}, format="json")
    for _ in range(3):
        assert anon.post(RESEND, {"email": "new@example.com"}, format="json").status_code == 202
    assert len(mail.outbox) == 1  # the registration's; the link in it still works


def test_resend_gives_an_account_from_before_addresses_were_recorded_its_link(anon, password):
    legacy = User.objects.create_user("legacy@example.com", password)
    assert anon.post(RESEND, {"email": legacy.email}, format="json").status_code == 202
    assert Client().post(confirmation_link(mail.outbox[0])).status_code == 302
    assert anon.post(TOKEN, {"email": legacy.email, "password": password}, format="json").status_code == 200


def test_a_bad_address_to_resend_to_is_400_naming_the_field(anon):
    response = anon.post(RESEND, {"email": "not an address"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email"}


@pytest.mark.parametrize(
    ("display_name", "said"),
    [
        ("Visit evil.example", "cannot contain a web or email address"),
        ("Hi\nClick here", "one line of text"),
        ("https://x.test", "cannot contain a web or email address"),
    ],
)
def test_registration_refuses_a_display_name_with_a_link_or_a_line_break(anon, display_name, said):
    response = anon.post(
        REGISTER, {"email": "new@example.com", "password": PASSPHRASE, "display_name": display_name}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"display_name"}
    assert said in response.json()["fields"]["display_name"][0]
    assert not User.objects.filter(email="new@example.com").exists()
    assert mail.outbox == []
