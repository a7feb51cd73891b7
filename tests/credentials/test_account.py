"""A person's badges are in their data export and go with their account."""

from __future__ import annotations

from accounts.export import export_user_data
from credentials import proof
from credentials.models import Badge


def test_the_export_holds_every_badge_with_its_last_check(owner, plan, milestone, issuer):
    proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    proof.attach(owner, milestone, url=issuer.url("/assertions/someone-else"))
    [verified, wrong] = export_user_data(owner)["badges"]
    assert verified["milestone"] == milestone.slug
    assert verified["state"] == "verified"
    assert verified["source_url"] == issuer.url("/assertions/valid")
    assert verified["issuer_name"] == "Example ML Academy"
    assert verified["assertion"]["id"] == issuer.url("/assertions/valid")
    assert wrong["state"] == "wrong_recipient"
    assert "not one of your confirmed addresses" in wrong["problem"]


def test_the_api_export_has_them_too(api, owner, plan, milestone, issuer):
    proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    assert api.get("/api/v1/me/export/").json()["badges"][0]["state"] == "verified"


def test_another_persons_badges_are_not_in_the_export(owner, other, plan, milestone, issuer):
    proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    assert export_user_data(other)["badges"] == []


def test_deleting_the_account_deletes_the_badges(owner, other, plan, milestone, issuer):
    proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    owner.delete()
    assert not Badge.objects.exists()


def test_only_confirmed_addresses_count_as_the_recipient(owner, plan, milestone, issuer):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=owner).update(verified=False)
    badge = proof.attach(owner, milestone, url=issuer.url("/assertions/valid"))
    assert badge.state == "wrong_recipient"
    EmailAddress.objects.filter(user=owner).update(verified=True)
    assert proof.check_again(badge).state == "verified"
