"""What a visitor did before they had an account, carried through sign-up so nothing is lost.

Two things survive the way in:

- **The role-fit quiz.** Taken signed out, its result waits in the session
  (``remember_quiz``); signing up or signing in keeps it on the account
  (``QuizResult``), where the settings page and the data export show it.
- **Where they were going.** "Enroll" while signed out leads to sign-up with
  ``next`` set to the track's enrolment page. allauth carries ``next``
  through sign-up and, in the same browser within its sign-up session (15
  minutes), through the confirmation link. The address is usually confirmed
  later or on a phone, so ``next`` is also kept on the account
  (``User.continue_to``) at sign-up, and the first sign-in without a ``next``
  of its own goes there (``accounts.signin.AccountAdapter``). Any sign-in
  then forgets it: it is a one-time detour, not a new home page.

Nothing here enrols anyone: the enrolment page asks, and enrolling is its
POST. So a stale intention (an address confirmed a week later) never turns
into a plan the person did not confirm.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.http import HttpRequest
from django.utils import timezone

from .models import QuizResult, User

QUIZ_SESSION_KEY = "careerplan.quiz_result"


def remember_quiz(request: HttpRequest, answers: dict[str, Any], ranking: list[dict[str, Any]]) -> None:
    """Hold the quiz's answers and ranking in the session until there is an account to keep them on."""
    request.session[QUIZ_SESSION_KEY] = {
        "answers": answers,
        "ranking": ranking,
        "taken_at": timezone.now().isoformat(),
    }


def remembered_quiz(request: HttpRequest) -> dict[str, Any] | None:
    """The quiz result waiting in the session, if any."""
    data = request.session.get(QUIZ_SESSION_KEY)
    return data if isinstance(data, dict) else None


def keep_quiz(request: HttpRequest, user: User) -> QuizResult | None:
    """Move the quiz result waiting in the session onto ``user``'s account; None if there was none."""
    data = request.session.pop(QUIZ_SESSION_KEY, None)
    return QuizResult.objects.keep(user, data) if isinstance(data, dict) else None


def is_local_path(url: str, request: HttpRequest) -> bool:
    """Whether ``url`` is a path on this site (``/tracks/x/enroll/``), never another host or scheme."""
    return (
        0 < len(url) <= 200
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and bool(get_adapter(request).is_safe_url(url))
    )


def remember_destination(request: HttpRequest, user: User, url: str) -> None:
    """Keep ``url`` as where ``user`` was going, for the first sign-in after they confirm their address."""
    if url and is_local_path(url, request):
        user.continue_to = url
        user.save(update_fields=["continue_to"])


def forget_destination(user: User) -> None:
    """Drop the kept destination: a sign-in has used it, or gone somewhere of its own."""
    if user.continue_to:
        user.continue_to = ""
        user.save(update_fields=["continue_to"])
