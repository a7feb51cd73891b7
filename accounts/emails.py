"""Sign-in addresses: confirming them, changing them, and undoing a change.

An address is CareerPlan's to write to only once its owner has confirmed it
(``User.objects.reachable()``); these are the rules around that, used by the
API's registration and allauth's pages alike:

- Signing up answers the same whether or not the address is taken, and takes
  as long: a new address gets an account and a confirmation link, a taken one
  a note to its owner that someone tried ("the mail says the rest"). allauth
  does this for the web (ACCOUNT_PREVENT_ENUMERATION); ``register`` does it
  for the API, and ``accounts.forms.SignupForm`` evens out the web's timing.
- A confirmation that would hand an address to a second account (its owner
  signs in with it, or has confirmed it) is refused, with nothing written:
  ``EmailAddressAdapter.confirm_email``.
- A confirmed change of address tells the old address, with a signed link
  that puts it back for ``CHANGE_UNDO_DAYS`` (``EmailChangeUndo``).

Every mail here is fixed text: nothing a visitor typed (a display name) goes
to an address whose owner has not confirmed it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from redis.exceptions import RedisError

from .models import User
from .signin import AccountAdapter

logger = logging.getLogger(__name__)

# How long the "was this you?" mail's link can put the old address back.
CHANGE_UNDO_DAYS = 7
_UNDO_SALT = "careerplan.accounts.email-change-undo"

TAKEN_ELSEWHERE = (
    "{email} is the sign-in address of another CareerPlan account, so it cannot be confirmed for this one. "
    "Nothing has changed."
)


def normalize(email: str) -> str:
    """An address as accounts store it: trimmed and lower-cased."""
    return User.objects.normalize_email(email.strip()).lower()


def address_taken(email: str, *, other_than: int | None = None) -> bool:
    """Whether ``email`` is an account's sign-in address or confirmed address (another's than ``other_than``)."""
    logins = User.objects.filter(email__iexact=email)
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if other_than is not None:
        logins, confirmed = logins.exclude(pk=other_than), confirmed.exclude(user_id=other_than)
    return logins.exists() or confirmed.exists()


def _mail_at_most_every_few_minutes(request: HttpRequest, email: str, send: Callable[[], object]) -> None:
    """Send one mail about ``email`` unless one went in the last minutes (allauth's ``confirm_email`` limit).

    The same limit as allauth's own confirmation mails, keyed on the address,
    so signing up again or asking again cannot flood an inbox; a link already
    sent keeps working. While Redis is down the limit is skipped, as every
    other throttle is, rather than refusing the sign-up.
    """
    try:
        allowed = ratelimit.consume(request, action="confirm_email", key=email.lower())
    except RedisError:
        logger.warning("confirmation mail: the cache is unreachable; the per-address limit is skipped")
        allowed = True
    if allowed:
        send()


def register(request: HttpRequest, *, email: str, password: str, **profile: Any) -> None:
    """Sign a person up through the API: the same answer, in the same time, for a new and a taken address.

    A new address gets an account that cannot sign in, nor receive any
    reminder, until the link mailed to it is followed. A taken address gets no
    account, only a mail telling its owner someone tried, and the password is
    hashed all the same so that the answer comes no sooner.
    """
    email = normalize(email)
    if not address_taken(email):
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, **profile)
                address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        except IntegrityError:
            pass  # a concurrent sign-up of the same address won: it is taken now
        else:
            _mail_at_most_every_few_minutes(request, email, lambda: address.send_confirmation(request, signup=True))
            return
    make_password(password)
    _mail_at_most_every_few_minutes(
        request, email, lambda: get_adapter(request).send_account_already_exists_mail(email)
    )


def resend_confirmation(request: HttpRequest, email: str) -> None:
    """Mail a fresh confirmation link if ``email`` signs in to an account not confirmed yet; else nothing.

    The caller answers the same whatever happened here, so that the question
    tells nobody which addresses have accounts.
    """
    user = User.objects.filter(email__iexact=normalize(email), is_active=True).first()
    if user is None or user.has_verified_email:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:  # an account from before addresses were recorded (the admin, an older API)
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        address = EmailAddress.objects.create(user=user, email=user.email.lower(), primary=not has_primary)
    _mail_at_most_every_few_minutes(request, address.email, lambda: address.send_confirmation(request, signup=False))


class EmailAddressAdapter(AccountAdapter):
    """allauth's adapter (``accounts.signin``), with the rules for confirming and changing an address."""

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Confirm ``email_address`` unless another account has it; a change then tells the old address.

        allauth alone would mark the address confirmed and primary and only
        then fail to write it into ``User.email`` (unique): a 500 that left a
        confirmed primary address on the wrong account, where a password reset
        would find it. Here that is refused before anything is written, and
        the whole confirmation is one transaction, so a sign-up racing it
        leaves nothing half-done either.
        """
        if address_taken(email_address.email, other_than=email_address.user_id):
            self._refuse(request, email_address)
            return False
        old_email = User.objects.filter(pk=email_address.user_id).values_list("email", flat=True).first() or ""
        try:
            with transaction.atomic():
                confirmed = super().confirm_email(request, email_address)
        except IntegrityError:
            self._refuse(request, email_address)
            return False
        if confirmed and old_email and old_email.lower() != email_address.email.lower():
            EmailChangeUndo(email_address.user_id, old_email.lower(), email_address.email.lower()).send_notice(request)
        return confirmed

    def _refuse(self, request: HttpRequest, email_address: EmailAddress) -> None:
        self.add_message(request, messages.ERROR, message=TAKEN_ELSEWHERE.format(email=email_address.email))


@dataclass(frozen=True)
class EmailChangeUndo:
    """The offer, mailed to the old address after a change, to put that address back.

    Following it (a POST from the page the link opens) makes ``old_email``
    the account's sign-in and primary address again, confirmed (the link
    reached it), drops every other address, and sets no usable password: the
    new password hash ends every web session and API refresh token
    (``User.save``), so whoever changed the address is out, and the owner
    chooses a new password through a reset mailed to the restored address.
    It works for ``CHANGE_UNDO_DAYS``, as long as the account's address is not
    the old one already, whatever it has been changed to since.
    """

    user_id: int
    old_email: str
    new_email: str

    @classmethod
    def from_token(cls, token: str) -> EmailChangeUndo | None:
        """The offer a link carries, or None if it is forged, for another purpose or older than allowed."""
        try:
            data = signing.loads(token, salt=_UNDO_SALT, max_age=timedelta(days=CHANGE_UNDO_DAYS))
        except signing.BadSignature:  # SignatureExpired included
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), int):
            return None
        old, new = data.get("from"), data.get("to")
        if not (isinstance(old, str) and isinstance(new, str)):
            return None
        return cls(data["u"], old, new)

    def token(self) -> str:
        """The signed, dated text of this offer, for the link (it expires with the signature's age)."""
        return signing.dumps({"u": self.user_id, "from": self.old_email, "to": self.new_email}, salt=_UNDO_SALT)

    def url(self) -> str:
        """The absolute link for the mail."""
        return settings.SITE_URL + reverse("accounts:undo-email-change", args=[self.token()])

    def send_notice(self, request: HttpRequest) -> None:
        """Tell the old address that the sign-in address changed, with the link that undoes it."""
        context = {
            "old_email": self.old_email,
            "new_email": self.new_email,
            "undo_url": self.url(),
            "undo_days": CHANGE_UNDO_DAYS,
        }
        get_adapter(request).send_mail("account/email/email_change_notice", self.old_email, context)

    @property
    def user(self) -> User | None:
        """The account, unless it has been deleted since."""
        return User.objects.filter(pk=self.user_id).first()

    def state(self) -> str:
        """``pending``; else why not: ``done`` (the old address is back), ``taken`` (by another account), ``gone``."""
        user = self.user
        if user is None:
            return "gone"
        if user.email.lower() == self.old_email:
            return "done"
        if address_taken(self.old_email, other_than=user.pk):
            return "taken"
        return "pending"

    def apply(self) -> bool:
        """Put the old address back and sign the account out everywhere; False if the state was not ``pending``."""
        with transaction.atomic():
            # The row lock makes two clicks (or a change confirmed meanwhile) take turns.
            user = User.objects.select_for_update().filter(pk=self.user_id).first()
            if user is None or self.state() != "pending":
                return False
            # Other rows first: a user has one primary address (a partial unique index).
            EmailAddress.objects.filter(user=user).exclude(email=self.old_email).delete()
            EmailAddress.objects.update_or_create(
                user=user, email=self.old_email, defaults={"verified": True, "primary": True}
            )
            user.email = self.old_email
            user.set_unusable_password()
            user.save()
        logger.info("user %s put their sign-in address back to the old one from the change notice", user.pk)
        return True
