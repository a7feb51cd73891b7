"""Changing the sign-in address: the password first, no address taken from another account, and a way back.

Through allauth's own pages (ACCOUNT_CHANGE_EMAIL): the change asks for the
password again; the new address is confirmed from the link mailed to it,
unless another account signs in with it or has confirmed it, which is
refused with nothing written; once confirmed, the old address is told, with
a link that puts it back for seven days and signs everyone out.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def link_in(message, path: str) -> str:
    found = re.search(rf"https?://[^/\s]+({path}[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def ask_for_change(browser, new_email, password):
    """Ask for a new address on allauth's page, giving the password again when it asks."""
    response = browser.post("/accounts/email/", {"action_add": "", "email": new_email})
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        response = browser.post(response["Location"], {"password": password})
    return response


def addresses(user):
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified"))


def signed_in(owner):
    browser = Client()
    browser.force_login(owner)
    return browser


def test_an_email_change_asks_for_the_password_again_first(owner, password):
    browser = signed_in(owner)
    asked = browser.post("/accounts/email/", {"action_add": "", "email": "new-me@example.com"})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert addresses(owner) == [("owner@example.com", True, True)]
    assert mail.outbox == []
    wrong = browser.post(asked["Location"], {"password": "not my password"})
    assert wrong.status_code == 200
    assert addresses(owner) == [("owner@example.com", True, True)]
    browser.post(asked["Location"], {"password": password})
    assert addresses(owner) == [("new-me@example.com", False, False), ("owner@example.com", True, True)]
    assert [m.to for m in mail.outbox] == [["new-me@example.com"]]


@pytest.mark.parametrize("others_address", ["unconfirmed", "none recorded"])
def test_confirming_the_sign_in_address_of_another_account_is_refused_and_nothing_is_written(
    owner, password, others_address
):
    """It used to be a 500 that left a confirmed primary address on the wrong account."""
    other = UserFactory(email="other@example.com", email_verified=False)
    if others_address == "none recorded":  # an account made in the admin, or by the API before addresses were
        EmailAddress.objects.filter(user=other).delete()
    before = {user.pk: addresses(user) for user in (owner, other)}
    ask_for_change(signed_in(owner), "other@example.com", password)
    before[owner.pk] = addresses(owner)  # the pending, unconfirmed address

    # The link reaches other@example.com; whoever reads it follows it.
    response = Client().post(link_in(mail.outbox[-1], "/accounts/confirm-email/"), follow=True)

    assert response.status_code == 200
    assert "is the sign-in address of another CareerPlan account" in response.content.decode()
    assert {user.pk: addresses(user) for user in (owner, other)} == before
    assert (User.objects.get(pk=owner.pk).email, User.objects.get(pk=other.pk).email) == (
        "owner@example.com",
        "other@example.com",
    )
    assert not EmailAddress.objects.filter(email="other@example.com", verified=True).exists()


def test_confirming_an_address_another_account_has_confirmed_is_refused_too(owner, other, password):
    before = addresses(other)
    ask_for_change(signed_in(owner), "other@example.com", password)
    response = Client().post(link_in(mail.outbox[-1], "/accounts/confirm-email/"), follow=True)
    assert "is the sign-in address of another CareerPlan account" in response.content.decode()
    assert addresses(other) == before
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"


def change_and_confirm(owner, password, new_email="new-me@example.com"):
    browser = signed_in(owner)
    ask_for_change(browser, new_email, password)
    assert browser.post(link_in(mail.outbox[-1], "/accounts/confirm-email/")).status_code == 302
    return browser


def test_a_confirmed_change_tells_the_old_address_with_a_link_to_undo_it(owner, password):
    change_and_confirm(owner, password)
    assert User.objects.get(pk=owner.pk).email == "new-me@example.com"
    notice = mail.outbox[-1]
    assert notice.to == ["owner@example.com"]
    assert notice.subject == "[CareerPlan] Your sign-in address was changed"
    assert "from owner@example.com to new-me@example.com" in notice.body
    assert "within 7 days" in notice.body
    html = notice.alternatives[0][0]
    assert link_in(notice, "/settings/email/undo/") in html


def test_a_first_confirmation_after_sign_up_sends_no_change_notice(client):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a long passphrase 42", "password2": "a long passphrase 42"},
    )
    client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))
    assert len(mail.outbox) == 1


def test_opening_the_undo_link_changes_nothing(owner, password):
    change_and_confirm(owner, password)
    undo = link_in(mail.outbox[-1], "/settings/email/undo/")
    for method in ("get", "head"):
        assert getattr(Client(), method)(undo).status_code == 200
    page = Client().get(undo).content.decode()
    assert "Put owner@example.com back?" in page
    assert User.objects.get(pk=owner.pk).email == "new-me@example.com"


def test_the_undo_link_puts_the_old_address_back_and_signs_everyone_out(owner, password, anon):
    thief = change_and_confirm(owner, password)
    phone = RefreshToken.for_user(User.objects.get(pk=owner.pk))
    undo = link_in(mail.outbox[-1], "/settings/email/undo/")

    mailbox = Client()
    assert mailbox.get(undo).status_code == 200
    done = mailbox.post(undo)

    assert done.status_code == 200
    assert "owner@example.com is your sign-in address again" in done.content.decode()
    restored = User.objects.get(pk=owner.pk)
    assert restored.email == "owner@example.com"
    assert addresses(restored) == [("owner@example.com", True, True)]
    assert restored.has_verified_email
    assert not restored.has_usable_password()  # whoever changed it knew the password
    assert thief.get("/dashboard/").status_code == 302  # signed out
    assert anon.post("/api/v1/auth/token/refresh/", {"refresh": str(phone)}, format="json").status_code == 401
    # The owner takes the account back with a reset mailed to the restored address.
    assert Client().post("/accounts/password/reset/", {"email": "owner@example.com"}).status_code == 302
    assert mail.outbox[-1].to == ["owner@example.com"]
    # Once is enough: the link has nothing left to do.
    again = mailbox.post(undo)
    assert "Nothing to undo" in again.content.decode()


def test_the_undo_link_works_for_seven_days_only(owner, password):
    change_and_confirm(owner, password)
    undo = link_in(mail.outbox[-1], "/settings/email/undo/")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        late = Client().post(undo)
    assert late.status_code == 400
    assert "This link is not valid" in late.content.decode()
    assert User.objects.get(pk=owner.pk).email == "new-me@example.com"
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert Client().post(undo).status_code == 200
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"


def test_a_tampered_undo_link_is_refused(owner, password):
    from accounts.emails import EmailChangeUndo

    change_and_confirm(owner, password)
    undo = link_in(mail.outbox[-1], "/settings/email/undo/")
    forged = EmailChangeUndo(owner.pk, "attacker@example.com", "new-me@example.com").token()
    for url in (undo[:-2] + "x/", f"/settings/email/undo/{forged[:-3]}abc/"):
        assert Client().post(url).status_code == 400
    assert User.objects.get(pk=owner.pk).email == "new-me@example.com"


def test_the_undo_link_cannot_take_back_an_address_another_account_has_since(owner, password):
    change_and_confirm(owner, password)
    undo = link_in(mail.outbox[-1], "/settings/email/undo/")
    UserFactory(email="owner@example.com")  # someone signed up with the freed address
    response = Client().post(undo)
    assert response.status_code == 200
    assert "now belongs to another CareerPlan account" in response.content.decode()
    assert User.objects.get(pk=owner.pk).email == "new-me@example.com"
