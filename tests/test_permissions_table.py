"""Who may open what: every URL of the project against six principals.

The table is checked against the live URLconf (``get_resolver()``): a new
route without an entry fails ``test_it_has_an_entry_for_every_route``, and an
API route gets a row for every HTTP method its view allows, so a new method
fails ``test_every_api_route_has_a_row_for_each_method_it_allows``. The
admin's model routes come from ``admin.site._registry``, each model with its
entry in ``ADMIN_ACCESS``, so a newly registered ModelAdmin fails too.

The principals: an anonymous visitor; the owner of the plan, progress,
notification and device the URLs point at; another user; a content editor
(staff, "Content editors" group); a support staff member (staff, "Support
staff" group); a superuser. Each (route, principal) gets one outcome class.
Besides the status: a web login redirect brings the visitor back to the page
asked for (``?next=``); a 404 from the API says only "not found", never
whether the object exists; and nobody but the owner (support staff on the
admin pages made for them, and a superuser in the admin) ever receives the
owner's email, notes, evidence link or share token. (The shared page, which
the owner sends out, repeats its own address, token included, and shows the
evidence links of what is done; the evidence of the test's owner is on a
milestone in progress, so it must not show there either.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import unquote, urlencode

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.emails import EmailChangeUndo
from calendars.models import CalendarFeed
from credentials.models import Badge
from growth.models import CompanyCheck, SkillRating
from mentoring.models import Invite, InviteState, Mentorship, Review
from nudges.models import Delivery, Device, Notification
from nudges.unsubscribe import make_token
from tests.factories import PASSWORD, CareerTrackFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import ChecklistItem, Enrollment, MilestoneProgress, ProgressEvent

ANONYMOUS, OWNER, OTHER, EDITOR, STAFF = "anonymous", "owner", "other", "editor", "staff"
SUPERUSER = "superuser"
# The owner's mentor (mentoring.Mentorship, every plan shown) and a mentor whose mentorship with the owner
# has ended: everywhere else they are just two more people; on the mentoring URLs the mentor sees what was
# shared, the former mentor nothing.
MENTOR, FORMER_MENTOR = "mentor", "former mentor"
# The owner goes last: some of the owner's requests change state (mark read, share, delete a device).
PRINCIPALS = (ANONYMOUS, OTHER, EDITOR, STAFF, SUPERUSER, FORMER_MENTOR, MENTOR, OWNER)
STAFF_PRINCIPALS = (EDITOR, STAFF, SUPERUSER)

# Outcome classes. Integers are exact status codes.
OK = 200
LOGIN = "redirect to the web login"
ADMIN_LOGIN = "redirect to the admin login"
REDIRECT = "redirect elsewhere"
NOT_FOUND = 404
FORBIDDEN = 403
UNAUTHORISED = 401
NOT_ALLOWED = 405

SECRET_NOTE = "SECRET-NOTE <b>owner's own words</b>"
SECRET_EVIDENCE = "https://evidence.example.com/owner-secret-certificate"
DEVICE_TOKEN = "owner-device-push-token-0123456789"
API_NOT_FOUND = {"code": "not_found", "message": "Not found."}


@dataclass
class World:
    """The owner's plan and everything hanging off it, plus one object per admin model."""

    users: dict[str, Any]
    plan: Enrollment
    archived_plan: Enrollment
    progress: MilestoneProgress
    notification: Notification
    device: Device
    share_token: str
    objects: dict[type, Any] = field(default_factory=dict)
    mentorship: Any = None  # the owner's active mentorship with MENTOR
    ended_mentorship: Any = None  # the owner's ended one with FORMER_MENTOR

    @property
    def owner(self) -> Any:
        return self.users[OWNER]

    def secrets(self) -> list[str]:
        return [self.owner.email, SECRET_NOTE, "SECRET-NOTE", SECRET_EVIDENCE, self.share_token]

    def secrets_on(self, url: str) -> list[str]:
        """``secrets()`` less the share token on the shared page itself: its visitor holds the token,
        and the page repeats its own address (the link to copy, the link-preview tags)."""
        own_page = url.startswith(f"/shared/{self.share_token}/")
        return [s for s in self.secrets() if not (own_page and s == self.share_token)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth and DRF count requests in the cache; one test's requests must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, owner, other) -> World:
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    support = UserFactory(email="support@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support staff"))
    superuser = UserFactory(email="superuser@example.com", is_staff=True, is_superuser=True)
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    milestone = MilestoneFactory(slug="sql", title="SQL")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    # Catalogue nobody may reach: a track not published, a milestone retired.
    CareerTrackFactory(slug="unpublished-track", is_published=False)
    MilestoneFactory(slug="retired-milestone", is_active=False)
    archived_plan = Enrollment.objects.create(user=owner, track=track, status="archived")
    plan, _ = Enrollment.objects.enroll(owner, track, target_date=date(2099, 1, 1))
    progress = MilestoneProgress.objects.set_status(owner, milestone, "in_progress", track=track)
    progress.notes, progress.evidence_url = SECRET_NOTE, SECRET_EVIDENCE
    progress.save()
    notification = Notification.objects.create(user=owner, rule="digest", title="Your week")
    device = Device.objects.create(user=owner, platform="ios", token=DEVICE_TOKEN)
    refresh = RefreshToken.for_user(owner)  # the owner's confirmed EmailAddress comes from the factory
    refresh.blacklist()
    interval = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    objects = {
        Group: Group.objects.get(name="Content editors"),
        EmailAddress: EmailAddress.objects.get(user=owner),
        OutstandingToken: OutstandingToken.objects.get(jti=refresh["jti"]),
        BlacklistedToken: BlacklistedToken.objects.get(token__jti=refresh["jti"]),
        PeriodicTask: PeriodicTask.objects.create(name="table", task="nudges.tasks.scan", interval=interval),
        IntervalSchedule: interval,
        CrontabSchedule: CrontabSchedule.objects.create(),
        SolarSchedule: SolarSchedule.objects.create(event="sunrise", latitude=0, longitude=0),
        ClockedSchedule: ClockedSchedule.objects.create(clocked_time=timezone.now()),
        type(owner): owner,
        type(track): track,
        type(milestone): milestone,
        Enrollment: plan,
        MilestoneProgress: progress,
        ProgressEvent: ProgressEvent.objects.filter(user=owner).first(),
        Delivery: Delivery.objects.create(user=owner, rule="digest", period="2026-W01", channel="email"),
        Notification: notification,
        Device: device,
        # Recovery codes alone: the owner has no authenticator app, so nothing asks them for a code.
        Authenticator: Authenticator.objects.create(
            user=owner, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20, "used_mask": 0}
        ),
    }
    mentor = UserFactory(email="mentor@example.com", display_name="Mina Mentor")
    former_mentor = UserFactory(email="former-mentor@example.com", display_name="Fred Former")
    mentorship = Mentorship.objects.create(learner=owner, mentor=mentor, share_all=True)
    ended_mentorship = Mentorship.objects.create(learner=owner, mentor=former_mentor, share_all=True)
    ended_mentorship.end(by=owner)
    return World(
        users={
            ANONYMOUS: None,
            OWNER: owner,
            OTHER: other,
            EDITOR: editor,
            STAFF: support,
            SUPERUSER: superuser,
            MENTOR: mentor,
            FORMER_MENTOR: former_mentor,
        },
        plan=plan,
        archived_plan=archived_plan,
        progress=progress,
        notification=notification,
        device=device,
        share_token=plan.share(),
        objects=objects,
        mentorship=mentorship,
        ended_mentorship=ended_mentorship,
    )


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


THE_URL_ASKED_FOR = "the URL asked for"


@dataclass
class Check:
    """One request to a route and what each principal gets."""

    expect: dict[str, Any]
    method: str = "get"
    url: Callable[[World], str] | None = None  # default: the route itself
    data: dict[str, Any] = field(default_factory=dict)
    api: bool = False
    # Where a visitor sent to the web login (LOGIN) is brought back to once signed in; None: nowhere.
    after_login: str | None = THE_URL_ASKED_FOR
    # The owner's private data the mentor may see here: a shared plan's evidence, never the notes.
    mentor_sees: tuple[str, ...] = ()


def everyone(outcome: Any) -> dict[str, Any]:
    return dict.fromkeys(PRINCIPALS, outcome)


def signed_in(outcome: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    return {**everyone(outcome), ANONYMOUS: anonymous}


def owner_only(outcome: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    """The owner's object: everyone else, staff and superusers too, gets 404 (the admin is where staff look)."""
    return {**everyone(NOT_FOUND), ANONYMOUS: anonymous, OWNER: outcome}


def api(outcome: Any, anonymous: Any = UNAUTHORISED) -> dict[str, Any]:
    return signed_in(outcome, anonymous)


def api_owner_only(outcome: Any) -> dict[str, Any]:
    return owner_only(outcome, anonymous=UNAUTHORISED)


def undo_token(world: World) -> str:
    return EmailChangeUndo(world.owner.pk, "old-address@example.com", world.owner.email).token()


def plan_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/plans/{w.plan.pk}/{suffix}"


def editors_item(world: World) -> ChecklistItem:
    """An item that comes with the plan's milestone: everyone who may see the milestone sees it."""
    item, _ = ChecklistItem.objects.get_or_create(
        milestone_id=world.progress.milestone_id, owner=None, slug="read-the-guide", defaults={"title": "Read it"}
    )
    return item


def owners_item(world: World) -> ChecklistItem:
    """The owner's own item on the plan's milestone, titled with a secret: nobody else may see it."""
    item, _ = ChecklistItem.objects.get_or_create(
        milestone_id=world.progress.milestone_id, owner=world.owner, title=SECRET_NOTE
    )
    return item


def owners_badge(world: World) -> Badge:
    """The owner's badge on the plan's milestone; checking it again refuses its private address, fetches nothing."""
    badge, _ = Badge.objects.get_or_create(
        user=world.owner,
        milestone_id=world.progress.milestone_id,
        source_url="http://10.0.0.1/assertion",
        defaults={"state": "verified", "badge_name": "SQL badge", "issuer_name": "An issuer"},
    )
    return badge


def badge_url(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/plans/{w.plan.pk}/milestones/sql/badges/{owners_badge(w).pk}/{suffix}"


def checklist_url(item: Callable[[World], ChecklistItem], suffix: str) -> Callable[[World], str]:
    return lambda w: f"/plans/{w.plan.pk}/milestones/sql/checklist/{item(w).pk}/{suffix}"


def owners_calendar_token(world: World) -> str:
    """The owner's calendar feed token: whoever holds it reads the owner's dates, with no login."""
    return CalendarFeed.objects.open(world.owner)[0].token


def dated_milestone_calendar_url(world: World) -> str:
    """The plan's milestone's "Add to calendar", given a target date so that there is an event."""
    MilestoneProgress.objects.filter(pk=world.progress.pk).update(target_date=date(2099, 6, 1))
    return f"/plans/{world.plan.pk}/milestones/sql/calendar.ics"


WEB: dict[str, list[Check]] = {
    "/healthz": [Check(everyone(OK))],
    "/readyz": [Check(everyone(OK))],
    # --- public pages
    "/": [Check(everyone(OK))],
    "/tracks/": [Check(everyone(OK))],
    "/tracks/<slug:slug>/": [
        Check(everyone(OK), url=lambda w: "/tracks/data-engineer/"),
        Check(everyone(NOT_FOUND), url=lambda w: "/tracks/no-such-track/"),
    ],
    "/tracks/<slug:slug>/enroll/": [
        # GET asks before enrolling (where sign-up brings a visitor back); the owner follows it: to the plan.
        Check({**signed_in(OK, anonymous=REDIRECT), OWNER: REDIRECT}, url=lambda w: "/tracks/data-engineer/enroll/"),
        # Enrolling is each person's own, idempotent action; a visitor is sent to sign up and comes back here.
        Check(signed_in(REDIRECT, anonymous=REDIRECT), "post", url=lambda w: "/tracks/data-engineer/enroll/"),
    ],
    "/quiz/": [Check(everyone(OK))],
    # --- signed-in pages
    "/dashboard/": [Check(signed_in(OK))],
    # Each person's own week; the owner did something this week (the world's progress), so it already counts.
    "/dashboard/rest-week/": [
        Check(signed_in(NOT_ALLOWED)),
        Check({**signed_in(REDIRECT), OWNER: 400}, "post", data={"action": "take"}),
        Check(signed_in(REDIRECT), "post", data={"action": "undo"}),
    ],
    "/inbox/": [Check(signed_in(OK))],
    "/inbox/read-all/": [Check(signed_in(REDIRECT), "post")],
    "/inbox/<int:pk>/read/": [
        Check(owner_only(REDIRECT), "post", url=lambda w: f"/inbox/{w.notification.pk}/read/"),
    ],
    "/settings/": [Check(signed_in(OK))],
    "/settings/export/": [Check(signed_in(OK))],
    "/settings/delete/": [Check(signed_in(OK))],
    # Each person's own calendar feed, made (or revoked) with a POST.
    "/settings/calendar/": [
        Check(signed_in(NOT_ALLOWED)),
        Check(signed_in(REDIRECT), "post", data={"feed": "on"}),
    ],
    # From the mail to the old address after a change: the signed token is the credential; opening it changes nothing.
    "/settings/email/undo/<str:token>/": [
        Check(everyone(OK), url=lambda w: f"/settings/email/undo/{undo_token(w)}/"),
        Check(everyone(400), url=lambda w: f"/settings/email/undo/{undo_token(w)[:-1]}x/"),
    ],
    # --- the owner's plan; an archived plan is gone, for its owner too.
    # Changes take a POST: a GET is refused before anyone's plan is looked up.
    "/plans/<int:pk>/already-have/": [
        Check(owner_only(OK), url=plan_url("already-have/")),
        # Nothing ticked: the plan starts from zero, and the answer is a redirect to it.
        Check(owner_only(REDIRECT), "post", url=plan_url("already-have/")),
    ],
    "/plans/<int:pk>/": [
        Check(owner_only(OK), url=plan_url()),
        Check(owner_only(NOT_FOUND), url=lambda w: f"/plans/{w.archived_plan.pk}/"),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/status/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/status/")),
        Check(owner_only(REDIRECT), "post", url=plan_url("milestones/sql/status/"), data={"status": "in_progress"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/details/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/details/")),
        Check(
            owner_only(REDIRECT),
            "post",
            url=plan_url("milestones/sql/details/"),
            data={"m{pk}-notes": SECRET_NOTE, "m{pk}-evidence_url": SECRET_EVIDENCE},
        ),
    ],
    "/plans/<int:pk>/plan-dates/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("plan-dates/")),
        Check(owner_only(REDIRECT), "post", url=plan_url("plan-dates/"), data={"target_date": "2099-01-01"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/checklist/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/checklist/")),
        Check(owner_only(REDIRECT), "post", url=plan_url("milestones/sql/checklist/"), data={"title": "A step"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/checklist/<int:item_id>/tick/": [
        Check(signed_in(NOT_ALLOWED), url=checklist_url(editors_item, "tick/")),
        Check(owner_only(REDIRECT), "post", url=checklist_url(editors_item, "tick/"), data={"done": "true"}),
        Check(owner_only(REDIRECT), "post", url=checklist_url(owners_item, "tick/"), data={"done": "true"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/checklist/<int:item_id>/remove/": [
        Check(signed_in(NOT_ALLOWED), url=checklist_url(owners_item, "remove/")),
        # An editors' item is refused on the page (400, with the reason); the owner's own is removed.
        Check(owner_only(400), "post", url=checklist_url(editors_item, "remove/")),
        Check(owner_only(REDIRECT), "post", url=checklist_url(owners_item, "remove/")),
    ],
    # Plans of one's own: anyone signed in starts one; in a track's plan, the track's own steps cannot be
    # edited, moved or removed (404: they are no steps of the owner's), and a track's plan takes nothing
    # from the catalogue nor a new name.
    "/plans/new/": [
        Check(signed_in(OK), url=lambda w: "/plans/new/"),
        Check(signed_in(REDIRECT), "post", url=lambda w: "/plans/new/", data={"title": "My own way"}),
    ],
    "/plans/<int:pk>/rename/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("rename/")),
        Check(owner_only(400), "post", url=plan_url("rename/"), data={"rename-title": "Mine"}),
    ],
    "/plans/<int:pk>/milestones/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/")),
        Check(
            owner_only(REDIRECT),
            "post",
            url=plan_url("milestones/"),
            data={"new-title": "Portfolio", "new-category": "project", "new-effort_weeks": "2", "new-after": "end"},
        ),
    ],
    "/plans/<int:pk>/milestones/from-catalogue/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/from-catalogue/")),
        Check(owner_only(NOT_FOUND), "post", url=plan_url("milestones/from-catalogue/"), data={"add-milestone": "sql"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/edit/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/edit/")),
        Check(owner_only(NOT_FOUND), "post", url=plan_url("milestones/sql/edit/")),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/move/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/move/")),
        Check(owner_only(NOT_FOUND), "post", url=plan_url("milestones/sql/move/"), data={"direction": "up"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/remove/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/remove/")),
        Check(owner_only(NOT_FOUND), "post", url=plan_url("milestones/sql/remove/")),
    ],
    # SQL does not expire: its owner is told so on the page (400), anyone else finds nothing.
    "/plans/<int:pk>/milestones/<slug:slug>/renew/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/renew/")),
        Check(
            owner_only(400), "post", url=plan_url("milestones/sql/renew/"), data={"m{pk}-renew-earned_on": "2026-01-01"}
        ),
    ],
    # An Undo names the change it takes back: without one, its owner is told on the page (400).
    "/plans/<int:pk>/milestones/<slug:slug>/undo/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/undo/")),
        Check(owner_only(400), "post", url=plan_url("milestones/sql/undo/"), data={"status": "not_started"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/badges/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("milestones/sql/badges/")),
        Check(owner_only(400), "post", url=plan_url("milestones/sql/badges/")),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/badges/<int:badge_id>/check/": [
        Check(signed_in(NOT_ALLOWED), url=badge_url("check/")),
        Check(owner_only(REDIRECT), "post", url=badge_url("check/")),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/badges/<int:badge_id>/remove/": [
        Check(signed_in(NOT_ALLOWED), url=badge_url("remove/")),
        Check(owner_only(REDIRECT), "post", url=badge_url("remove/")),
    ],
    "/plans/<int:pk>/following/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("following/")),
        # Paused, not left: the plan stays current for the routes checked after this one.
        Check(owner_only(REDIRECT), "post", url=plan_url("following/"), data={"status": "paused"}),
    ],
    "/plans/<int:pk>/share/": [
        Check(signed_in(NOT_ALLOWED), url=plan_url("share/")),
        Check(owner_only(REDIRECT), "post", url=plan_url("share/"), data={"share": "on"}),
    ],
    "/plans/<int:pk>/milestones/<slug:slug>/calendar.ics": [
        Check(owner_only(OK), url=dated_milestone_calendar_url),
        Check(owner_only(NOT_FOUND), url=lambda w: f"/plans/{w.archived_plan.pk}/milestones/sql/calendar.ics"),
    ],
    # --- the calendar feed: open to anyone (a calendar app) holding the token, nothing for a guessed one
    "/calendar/<slug:token>.ics": [
        Check(everyone(OK), url=lambda w: f"/calendar/{owners_calendar_token(w)}.ics"),
        Check(everyone(NOT_FOUND), url=lambda w: "/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics"),
        Check(everyone(NOT_FOUND), url=lambda w: f"/calendar/{owners_calendar_token(w)[:-1]}.ics"),
    ],
    # --- the shared link: open to anyone holding the token, nothing for a guessed one
    "/shared/<slug:token>/": [
        Check(everyone(OK), url=lambda w: f"/shared/{w.share_token}/"),
        Check(everyone(NOT_FOUND), url=lambda w: "/shared/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"),
        Check(everyone(NOT_FOUND), url=lambda w: f"/shared/{w.share_token[:-1]}/"),
    ],
    # its link-preview image: the same rule, a revoked or guessed token is a 404
    "/shared/<slug:token>/preview.png": [
        Check(everyone(OK), url=lambda w: f"/shared/{w.share_token}/preview.png"),
        Check(everyone(NOT_FOUND), url=lambda w: "/shared/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/preview.png"),
        Check(everyone(NOT_FOUND), url=lambda w: f"/shared/{w.share_token[:-1]}/preview.png"),
    ],
    # --- one-click unsubscribe: the signed token is the credential; opening it changes nothing
    "/unsubscribe/<str:channel>/<str:token>/": [
        Check(everyone(OK), url=lambda w: f"/unsubscribe/email/{make_token(w.owner, 'email')}/"),
        Check(everyone(400), url=lambda w: f"/unsubscribe/email/{make_token(w.owner, 'email')}x/"),
        Check(everyone(400), url=lambda w: f"/unsubscribe/push/{make_token(w.owner, 'email')}/"),
    ],
    # --- allauth
    "/accounts/login/": [Check(signed_in(REDIRECT, anonymous=OK))],
    "/accounts/signup/": [Check(signed_in(REDIRECT, anonymous=OK))],
    "/accounts/logout/": [Check(signed_in(OK, anonymous=REDIRECT))],
    "/accounts/inactive/": [Check(everyone(OK))],
    "/accounts/reauthenticate/": [Check(signed_in(OK))],
    "/accounts/email/": [Check(signed_in(OK))],
    "/accounts/confirm-email/": [Check(everyone(OK))],
    "/accounts/password/change/": [Check(signed_in(OK))],
    "/accounts/password/set/": [Check(signed_in(REDIRECT))],
    "/accounts/password/reset/": [Check(everyone(OK))],
    "/accounts/password/reset/done/": [Check(everyone(OK))],
    "/accounts/password/reset/key/done/": [Check(everyone(OK))],
    # A step of the login by code: without a code under way, the login starts over.
    "/accounts/login/code/confirm/": [Check(signed_in(REDIRECT), after_login=None)],
    r"/accounts/^confirm-email/(?P<key>[-:\w]+)/$": [
        Check(everyone(OK), url=lambda w: "/accounts/confirm-email/guessed-key/"),
    ],
    r"/accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": [
        Check(everyone(OK), url=lambda w: "/accounts/password/reset/key/1-guessed-key/"),
    ],
    # --- allauth.mfa: staff's second factor (accounts.mfa); a 404 to anyone else without one
    "/accounts/2fa/": [Check({**signed_in(NOT_FOUND), EDITOR: OK, STAFF: OK, SUPERUSER: OK})],
    # A step of signing in: with none under way, back to the login (or on, when signed in already).
    "/accounts/2fa/authenticate/": [Check(signed_in(REDIRECT), after_login=None)],
    # Asks whoever has an authenticator (the owner's recovery codes) for a code; sends anyone else on.
    "/accounts/2fa/reauthenticate/": [Check({**signed_in(REDIRECT), OWNER: OK})],
    # Staff type their password again first.
    "/accounts/2fa/totp/activate/": [
        Check({**signed_in(NOT_FOUND), EDITOR: REDIRECT, STAFF: REDIRECT, SUPERUSER: REDIRECT})
    ],
    "/accounts/2fa/totp/deactivate/": [Check(signed_in(NOT_FOUND))],
    "/accounts/2fa/recovery-codes/": [Check(signed_in(NOT_FOUND))],
    "/accounts/2fa/recovery-codes/generate/": [
        Check({**signed_in(NOT_FOUND), EDITOR: REDIRECT, STAFF: REDIRECT, SUPERUSER: REDIRECT})
    ],
    "/accounts/2fa/recovery-codes/download/": [Check(signed_in(NOT_FOUND))],
}

API: dict[str, list[Check]] = {
    "/api/v1/auth/register/": [Check(everyone(400), "post", api=True)],
    "/api/v1/auth/verify-email/resend/": [Check(everyone(400), "post", api=True)],
    "/api/v1/auth/token/": [Check(everyone(400), "post", api=True)],
    "/api/v1/auth/token/refresh/": [Check(everyone(400), "post", api=True)],
    "/api/v1/auth/logout/": [Check(everyone(400), "post", api=True)],
    # An empty body: the signed-in get 400 naming the fields; nobody's password changes.
    "/api/v1/auth/password/change/": [Check(api(400), "post", api=True)],
    "/api/v1/auth/password/reset/": [Check(everyone(400), "post", api=True)],
    # Every method a view allows has a row; a request that destroys something comes last in its route.
    "/api/v1/me/": [
        Check(api(OK), api=True),
        Check(api(OK), "patch", api=True),
        Check(api(400), "delete", api=True),  # no password: nothing is erased
        Check(api(204), "delete", api=True, data={"password": PASSWORD}),  # erases the caller's own account
    ],
    "/api/v1/me/export/": [Check(api(OK), api=True)],
    "/api/v1/tracks/": [Check(everyone(OK), api=True)],
    "/api/v1/tracks/<slug:slug>/": [
        Check(everyone(OK), url=lambda w: "/api/v1/tracks/data-engineer/", api=True),
        Check(everyone(NOT_FOUND), url=lambda w: "/api/v1/tracks/unpublished-track/", api=True),
    ],
    "/api/v1/enrollments/": [
        Check(api(OK), api=True),
        Check(api(400), "post", api=True),
    ],
    "/api/v1/enrollments/<int:pk>/": [
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/", api=True),
        Check(api_owner_only(OK), "patch", url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/", api=True),
        Check(api_owner_only(204), "delete", url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/", api=True),
    ],
    "/api/v1/enrollments/<int:pk>/plan/": [
        Check(
            api_owner_only(OK),
            "post",
            url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/plan/",
            api=True,
        ),
    ],
    # Anyone signed in starts a plan of their own.
    "/api/v1/enrollments/own/": [Check(api(201), "post", api=True, data={"title": "My own way"})],
    "/api/v1/enrollments/<int:pk>/steps/": [
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/steps/", api=True),
        Check(
            api_owner_only(201),
            "post",
            url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/steps/",
            api=True,
            data={"title": "A step of my own", "category": "project"},
        ),
    ],
    # sql is a step of the track's ladder: its owner can neither edit it (403 not_personal) nor remove it (409).
    "/api/v1/enrollments/<int:pk>/steps/<slug:milestone_slug>/": [
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/steps/sql/", api=True),
        Check(
            api_owner_only(FORBIDDEN),
            "patch",
            url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/steps/sql/",
            api=True,
            data={"title": "Mine now"},
        ),
        Check(api_owner_only(409), "delete", url=lambda w: f"/api/v1/enrollments/{w.plan.pk}/steps/sql/", api=True),
    ],
    "/api/v1/badges/": [Check(api(OK), api=True), Check(api(400), "post", api=True)],
    # Each caller's own feed: made (201), then revoked (204, whether or not there was one).
    "/api/v1/calendar/": [
        Check(api(OK), api=True),
        Check(api(201), "post", api=True),
        Check(api(204), "delete", api=True),
    ],
    "/api/v1/badges/<int:pk>/": [
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/badges/{owners_badge(w).pk}/", api=True),
        Check(api_owner_only(204), "delete", url=lambda w: f"/api/v1/badges/{owners_badge(w).pk}/", api=True),
    ],
    "/api/v1/badges/<int:pk>/check/": [
        Check(api_owner_only(OK), "post", url=lambda w: f"/api/v1/badges/{owners_badge(w).pk}/check/", api=True),
    ],
    "/api/v1/progress/": [Check(api(OK), api=True)],
    # The milestone is public catalogue: each caller reads and writes their own state on it
    # (asserted below: nobody else gets the owner's notes or evidence). A retired one is gone.
    "/api/v1/progress/<slug:milestone_slug>/": [
        Check(api(OK), url=lambda w: "/api/v1/progress/sql/", api=True),
        Check(api(OK), "patch", url=lambda w: "/api/v1/progress/sql/", api=True),
        Check(api(NOT_FOUND), url=lambda w: "/api/v1/progress/retired-milestone/", api=True),
        Check(api(NOT_FOUND), "patch", url=lambda w: "/api/v1/progress/retired-milestone/", api=True),
    ],
    # Earnings and renewals: anyone reads their own history of a milestone they may see; SQL never
    # expires, so a renewal is refused (400 not_renewable) whoever asks.
    "/api/v1/progress/<slug:milestone_slug>/renewals/": [
        Check(api(OK), url=lambda w: "/api/v1/progress/sql/renewals/", api=True),
        Check(api(400), "post", url=lambda w: "/api/v1/progress/sql/renewals/", api=True),
        Check(api(NOT_FOUND), url=lambda w: "/api/v1/progress/retired-milestone/renewals/", api=True),
    ],
    # A milestone's checklist: anyone reads their own view of it; an item of one's own goes only
    # to a milestone in one's plans (409 not_in_plan for the others, who do not follow the track).
    "/api/v1/progress/<slug:milestone_slug>/checklist/": [
        Check(api(OK), url=lambda w: "/api/v1/progress/sql/checklist/", api=True),
        Check(api(NOT_FOUND), url=lambda w: "/api/v1/progress/retired-milestone/checklist/", api=True),
        Check(
            {**api(409), OWNER: 201},
            "post",
            url=lambda w: "/api/v1/progress/sql/checklist/",
            api=True,
            data={"title": "A step"},
        ),
    ],
    "/api/v1/checklist-items/": [Check(api(OK), api=True)],
    # An editors' item is everyone's to read and tick, nobody's to remove (403); an own item is its owner's alone.
    "/api/v1/checklist-items/<int:pk>/": [
        Check(api(OK), url=lambda w: f"/api/v1/checklist-items/{editors_item(w).pk}/", api=True),
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/checklist-items/{owners_item(w).pk}/", api=True),
        Check(
            api(OK),
            "patch",
            url=lambda w: f"/api/v1/checklist-items/{editors_item(w).pk}/",
            api=True,
            data={"done": True},
        ),
        Check(
            api_owner_only(OK),
            "patch",
            url=lambda w: f"/api/v1/checklist-items/{owners_item(w).pk}/",
            api=True,
            data={"done": True},
        ),
        Check(api(FORBIDDEN), "delete", url=lambda w: f"/api/v1/checklist-items/{editors_item(w).pk}/", api=True),
        Check(api_owner_only(204), "delete", url=lambda w: f"/api/v1/checklist-items/{owners_item(w).pk}/", api=True),
    ],
    "/api/v1/dashboard/": [Check(api(OK), api=True)],
    # Each caller's own week, as on the web: the owner's already counts (400 week_already_counts).
    "/api/v1/rest-weeks/": [
        Check({**api(201), OWNER: 400}, "post", api=True),
        Check(api(204), "delete", api=True),
    ],
    "/api/v1/notifications/": [Check(api(OK), api=True)],
    "/api/v1/notifications/read-all/": [Check(api(OK), "post", api=True)],
    "/api/v1/notifications/<int:pk>/read/": [
        Check(api_owner_only(OK), "post", url=lambda w: f"/api/v1/notifications/{w.notification.pk}/read/", api=True),
    ],
    "/api/v1/devices/": [Check(api(OK), api=True), Check(api(400), "post", api=True)],
    "/api/v1/devices/<int:pk>/": [
        Check(api_owner_only(OK), url=lambda w: f"/api/v1/devices/{w.device.pk}/", api=True),
        Check(
            api_owner_only(OK),
            "patch",
            url=lambda w: f"/api/v1/devices/{w.device.pk}/",
            api=True,
            data={"locale": "en-GB", "app_version": "1.0"},
        ),
        Check(api_owner_only(204), "delete", url=lambda w: f"/api/v1/devices/{w.device.pk}/", api=True),
    ],
    "/api/v1/role-fit/": [Check(everyone(400), "post", api=True)],
    # Sync (sync/): each caller's own changes; the catalogue's are public, as tracks/ is. A batch
    # answers each operation on its own, on the caller's own state: 200 for everyone signed in.
    "/api/v1/sync/": [Check(api(OK), api=True)],
    "/api/v1/sync/catalogue/": [Check(everyone(OK), api=True)],
    "/api/v1/sync/batch/": [
        Check(
            api(OK),
            "post",
            data={
                "operations": [
                    {"idempotency_key": "k1", "op": "progress.update", "target": {"milestone": "sql"}, "data": {}}
                ]
            },
            api=True,
        )
    ],
    "/api/v1/ping/": [Check(api(OK), api=True)],
    "/api/v1/schema/": [Check(everyone(OK), api=True)],
    "/api/v1/docs/": [Check(everyone(OK))],
    "/api/v1/^": [Check(everyone(NOT_FOUND), url=lambda w: "/api/v1/no-such-endpoint/", api=True)],
}


# --------------------------------------------------------------------------
# Mentoring: the learner is the owner; the mentor sees what was shared (every plan here), the former mentor nothing
# --------------------------------------------------------------------------


def parties(outcome: Any, mentor: Any = None, anonymous: Any = LOGIN) -> dict[str, Any]:
    """A mentorship's URL: its learner (the owner) and mentor get ``outcome`` (the mentor ``mentor`` when given)."""
    return {**owner_only(outcome, anonymous), MENTOR: outcome if mentor is None else mentor}


def mentorship_url(suffix: str = "", ended: bool = False) -> Callable[[World], str]:
    return lambda w: f"/mentorships/{(w.ended_mentorship if ended else w.mentorship).pk}/{suffix}"


def shared_plan_url(suffix: str = "", ended: bool = False) -> Callable[[World], str]:
    return lambda w: mentorship_url(f"plans/{w.plan.pk}/{suffix}", ended)(w)


def pending_invite(world: World) -> Invite:
    invite, _ = Invite.objects.get_or_create(learner=world.owner, email="invitee@example.com")
    return invite


def withdrawn_invite(world: World) -> Invite:
    invite, _ = Invite.objects.get_or_create(
        learner=world.owner, email="withdrawn@example.com", defaults={"state": InviteState.WITHDRAWN}
    )
    return invite


def waiting_review(world: World) -> Review:
    review, _ = Review.objects.get_or_create(
        mentorship=world.mentorship, enrollment=world.plan, milestone_id=world.progress.milestone_id
    )
    return review


def api_mentorship_url(suffix: str = "", ended: bool = False) -> Callable[[World], str]:
    return lambda w: f"/api/v1{mentorship_url(suffix, ended)(w)}"


EVIDENCE = (SECRET_EVIDENCE,)

WEB.update(
    {
        # The learner's page: anyone signed in has one; an invitation without an address is refused beside the field.
        "/mentors/": [Check(signed_in(OK)), Check(signed_in(400), "post")],
        "/mentors/invites/<int:pk>/withdraw/": [
            Check(signed_in(NOT_ALLOWED), url=lambda w: f"/mentors/invites/{pending_invite(w).pk}/withdraw/"),
            Check(owner_only(REDIRECT), "post", url=lambda w: f"/mentors/invites/{pending_invite(w).pk}/withdraw/"),
        ],
        # The learner's choice of what the mentor sees: nothing chosen is refused on the page (400).
        "/mentors/<int:pk>/sharing/": [
            Check(signed_in(NOT_ALLOWED), url=lambda w: f"/mentors/{w.mentorship.pk}/sharing/"),
            Check(owner_only(400), "post", url=lambda w: f"/mentors/{w.mentorship.pk}/sharing/"),
            Check(owner_only(NOT_FOUND), "post", url=lambda w: f"/mentors/{w.ended_mentorship.pk}/sharing/"),
        ],
        # The invitation's link: the signed token is the credential. Its learner cannot accept it (410), and a
        # withdrawn one is refused to everyone (a visitor is sent to sign in first).
        "/mentor-invites/<str:token>/": [
            Check({**everyone(OK), OWNER: 410}, url=lambda w: f"/mentor-invites/{pending_invite(w).token()}/"),
            Check(everyone(NOT_FOUND), url=lambda w: f"/mentor-invites/{pending_invite(w).token()[:-2]}xx/"),
            Check(
                signed_in(410, anonymous=LOGIN), "post", url=lambda w: f"/mentor-invites/{withdrawn_invite(w).token()}/"
            ),
        ],
        "/mentees/": [Check(signed_in(OK))],
        # A mentor's page of one mentee: the mentor's alone.
        "/mentorships/<int:pk>/": [
            Check({**owner_only(NOT_FOUND), MENTOR: OK}, url=mentorship_url()),
            Check(owner_only(NOT_FOUND), url=mentorship_url(ended=True)),
        ],
        # A shared plan: the mentor sees its evidence (never the notes), the learner what the mentor sees.
        "/mentorships/<int:pk>/plans/<int:plan_id>/": [
            Check(parties(OK), url=shared_plan_url(), mentor_sees=EVIDENCE),
            Check(owner_only(NOT_FOUND), url=shared_plan_url(ended=True)),
        ],
        "/mentorships/<int:pk>/plans/<int:plan_id>/milestones/<slug:slug>/comments/": [
            Check(signed_in(NOT_ALLOWED), url=shared_plan_url("milestones/sql/comments/")),
            Check(
                parties(REDIRECT), "post", url=shared_plan_url("milestones/sql/comments/"), data={"c-sql-body": "Hi"}
            ),
            Check(
                owner_only(NOT_FOUND, anonymous=LOGIN),
                "post",
                url=shared_plan_url("milestones/sql/comments/", ended=True),
                data={"c-sql-body": "Hi"},
            ),
        ],
        # Only the learner asks for a review.
        "/mentorships/<int:pk>/plans/<int:plan_id>/milestones/<slug:slug>/review/": [
            Check(signed_in(NOT_ALLOWED), url=shared_plan_url("milestones/sql/review/")),
            Check(owner_only(REDIRECT), "post", url=shared_plan_url("milestones/sql/review/")),
        ],
        # Only the mentor answers; no verdict chosen is refused beside the field (400).
        "/mentorships/<int:pk>/reviews/<int:review_id>/": [
            Check(signed_in(NOT_ALLOWED), url=lambda w: mentorship_url(f"reviews/{waiting_review(w).pk}/")(w)),
            Check(
                {**owner_only(NOT_FOUND), MENTOR: 400},
                "post",
                url=lambda w: mentorship_url(f"reviews/{waiting_review(w).pk}/")(w),
                mentor_sees=EVIDENCE,
            ),
        ],
        # Either side ends it: the mentor (before the owner in PRINCIPALS) does, and the owner then finds it gone.
        # The mentor rates the learner's skills (growth.SkillRating); nothing chosen is refused beside the fields.
        "/mentorships/<int:pk>/rate/": [
            Check({**owner_only(NOT_FOUND), MENTOR: OK}, url=mentorship_url("rate/")),
            Check({**owner_only(NOT_FOUND), MENTOR: 400}, "post", url=mentorship_url("rate/")),
            Check(owner_only(NOT_FOUND), "post", url=mentorship_url("rate/", ended=True)),
        ],
        "/mentorships/<int:pk>/end/": [
            Check(signed_in(NOT_ALLOWED), url=mentorship_url("end/")),
            Check(owner_only(NOT_FOUND), "post", url=mentorship_url("end/", ended=True)),
            Check({**owner_only(NOT_FOUND), MENTOR: REDIRECT}, "post", url=mentorship_url("end/")),
        ],
    }
)

API.update(
    {
        "/api/v1/mentorships/": [Check(api(OK), api=True)],
        "/api/v1/mentorships/<int:pk>/": [
            Check(parties(OK, anonymous=UNAUTHORISED), url=api_mentorship_url(), api=True),
            Check(api_owner_only(NOT_FOUND), url=api_mentorship_url(ended=True), api=True),
            # The learner chooses what it shows; the mentor is refused (409 not_learner).
            Check(
                parties(OK, mentor=409, anonymous=UNAUTHORISED),
                "patch",
                url=api_mentorship_url(),
                data={"share_all": True},
                api=True,
            ),
        ],
        "/api/v1/mentorships/<int:pk>/plans/": [
            Check(
                parties(OK, anonymous=UNAUTHORISED), url=api_mentorship_url("plans/"), api=True, mentor_sees=EVIDENCE
            ),
            Check(api_owner_only(NOT_FOUND), url=api_mentorship_url("plans/", ended=True), api=True),
        ],
        "/api/v1/mentorships/<int:pk>/plans/<int:plan_id>/": [
            Check(
                parties(OK, anonymous=UNAUTHORISED),
                url=lambda w: api_mentorship_url(f"plans/{w.plan.pk}/")(w),
                api=True,
                mentor_sees=EVIDENCE,
            ),
            Check(
                api_owner_only(NOT_FOUND),
                url=lambda w: api_mentorship_url(f"plans/{w.plan.pk}/", ended=True)(w),
                api=True,
            ),
        ],
        # A body without a plan: either side is told which field (400); anyone else finds nothing.
        "/api/v1/mentorships/<int:pk>/comments/": [
            Check(parties(OK, anonymous=UNAUTHORISED), url=api_mentorship_url("comments/"), api=True),
            Check(api_owner_only(NOT_FOUND), url=api_mentorship_url("comments/", ended=True), api=True),
            Check(
                parties(400, anonymous=UNAUTHORISED),
                "post",
                url=api_mentorship_url("comments/"),
                data={"milestone": "sql", "body": "Hi"},
                api=True,
            ),
        ],
        "/api/v1/mentorships/<int:pk>/reviews/": [
            Check(parties(OK, anonymous=UNAUTHORISED), url=api_mentorship_url("reviews/"), api=True),
            Check(
                parties(400, anonymous=UNAUTHORISED),
                "post",
                url=api_mentorship_url("reviews/"),
                data={"milestone": "sql"},
                api=True,
            ),
        ],
        "/api/v1/mentorships/<int:pk>/reviews/<int:review_id>/verdict/": [
            Check(
                parties(400, anonymous=UNAUTHORISED),
                "post",
                url=lambda w: api_mentorship_url(f"reviews/{waiting_review(w).pk}/verdict/")(w),
                api=True,
            ),
        ],
        # The mentor ends it (204); the owner, after, finds it gone.
        "/api/v1/mentorships/<int:pk>/end/": [
            Check({**api_owner_only(NOT_FOUND), MENTOR: 204}, "post", url=api_mentorship_url("end/"), api=True),
        ],
        # The mentor rates the learner (no scores: 400 naming them); the learner is refused (409 not_mentor).
        "/api/v1/mentorships/<int:pk>/ratings/": [
            Check(
                parties(409, mentor=400, anonymous=UNAUTHORISED), "post", url=api_mentorship_url("ratings/"), api=True
            ),
        ],
        "/api/v1/mentor-invites/": [Check(api(OK), api=True), Check(api(400), "post", api=True)],
        "/api/v1/mentor-invites/<int:pk>/withdraw/": [
            Check(
                api_owner_only(OK),
                "post",
                url=lambda w: f"/api/v1/mentor-invites/{pending_invite(w).pk}/withdraw/",
                api=True,
            ),
        ],
        "/api/v1/mentor-invites/accept/": [Check(api(NOT_FOUND), "post", data={"token": "forged"}, api=True)],
    }
)


# --------------------------------------------------------------------------
# Growth: skill ratings and company checks, each person's own (the owner's carry a secret note)
# --------------------------------------------------------------------------


def owners_rating(world: World) -> SkillRating:
    """The owner's self-rating, noted with a secret: only the owner's pages and answers show it."""
    rating = SkillRating.objects.filter(person=world.owner).first()
    if rating is None:
        rating = SkillRating.objects.record(
            world.owner,
            world.owner,
            dict.fromkeys(
                ("programming", "ml_algorithms", "data_modelling", "software_engineering", "communication"), 3
            ),
            note=SECRET_NOTE,
        )
    return rating


def owners_company_check(world: World) -> CompanyCheck:
    check, _ = CompanyCheck.objects.get_or_create(
        user=world.owner, company="Acme", defaults={"has_data": "yes", "has_data_note": SECRET_NOTE}
    )
    return check


def with_rating(path: str) -> Callable[[World], str]:
    return lambda w: (owners_rating(w), path)[1]


def company_url(suffix: str = "", api: bool = False) -> Callable[[World], str]:
    return lambda w: (
        f"{'/api/v1' if api else ''}/{'company-checks' if api else 'companies'}/{owners_company_check(w).pk}/{suffix}"
    )


WEB.update(
    {
        # Each person's own page; a rating with no level chosen is refused beside each skill (400).
        "/skills/": [Check(signed_in(OK), url=with_rating("/skills/")), Check(signed_in(400), "post")],
        "/companies/": [
            Check(signed_in(OK), url=lambda w: (owners_company_check(w), "/companies/")[1]),
            Check(signed_in(400), "post"),
        ],
        "/companies/<int:pk>/": [
            Check(owner_only(OK), url=company_url()),
            Check(owner_only(400), "post", url=company_url(), data={"company": ""}),
        ],
        "/companies/<int:pk>/delete/": [
            Check(signed_in(NOT_ALLOWED), url=company_url("delete/")),
            Check(owner_only(REDIRECT), "post", url=company_url("delete/")),
        ],
    }
)

API.update(
    {
        "/api/v1/skills/": [Check(api(OK), api=True)],
        "/api/v1/skills/ratings/": [
            Check(api(OK), url=with_rating("/api/v1/skills/ratings/"), api=True),
            Check(api(400), "post", api=True),
        ],
        "/api/v1/skills/standing/": [Check(api(OK), url=with_rating("/api/v1/skills/standing/"), api=True)],
        "/api/v1/company-checks/": [
            Check(api(OK), url=lambda w: (owners_company_check(w), "/api/v1/company-checks/")[1], api=True),
            Check(api(400), "post", api=True),
        ],
        "/api/v1/company-checks/<int:pk>/": [
            Check(api_owner_only(OK), url=company_url(api=True), api=True),
            Check(api_owner_only(400), "patch", url=company_url(api=True), data={"has_data": "maybe"}, api=True),
            Check(api_owner_only(400), "put", url=company_url(api=True), data={"company": ""}, api=True),
            Check(api_owner_only(204), "delete", url=company_url(api=True), api=True),
        ],
    }
)


def everyone_but_staff(outcome: Any) -> dict[str, Any]:
    return {p: outcome for p in PRINCIPALS if p not in STAFF_PRINCIPALS}


def staff_only(outcome: Any, editor: Any = None, staff: Any = None, superuser: Any = None) -> dict[str, Any]:
    """An admin page: non-staff are sent to the admin's login."""
    expect = everyone(ADMIN_LOGIN)
    expect[EDITOR] = outcome if editor is None else editor
    expect[STAFF] = outcome if staff is None else staff
    expect[SUPERUSER] = outcome if superuser is None else superuser
    return expect


ADMIN_SITE: dict[str, list[Check]] = {
    "/admin/": [Check(staff_only(OK))],
    # Anyone may see the admin's login form; staff already signed in are sent on to the index.
    "/admin/login/": [Check(staff_only(REDIRECT) | everyone_but_staff(OK))],
    # Logging out takes a POST; a GET from someone not signed in to the admin is sent to it.
    "/admin/logout/": [Check(staff_only(NOT_ALLOWED) | everyone_but_staff(REDIRECT))],
    "/admin/password_change/": [Check(staff_only(OK))],
    "/admin/password_change/done/": [Check(staff_only(OK))],
    "/admin/autocomplete/": [Check(staff_only(FORBIDDEN))],
    "/admin/jsi18n/": [Check(staff_only(OK))],
    "/admin/r/<path:content_type_id>/<path:object_id>/": [
        Check(staff_only(REDIRECT), url=lambda w: view_on_site_url(w)),
    ],
    # An app's index lists only what the person may see; an app with nothing for them is a 404.
    r"/admin/^(?P<app_label>auth|account|mfa|token_blacklist|django_celery_beat|accounts|tracker|nudges)/$": [
        Check(staff_only(OK), url=lambda w: "/admin/tracker/"),
        Check(staff_only(NOT_FOUND, staff=OK, superuser=OK), url=lambda w: "/admin/accounts/"),
        Check(staff_only(NOT_FOUND, superuser=OK), url=lambda w: "/admin/auth/"),
    ],
    "/admin/(?P<url>.*)$": [Check(staff_only(NOT_FOUND), url=lambda w: "/admin/no/such/page/")],
    "/admin/tracker/careertrack/import/": [Check(staff_only(OK, staff=FORBIDDEN))],
    "/admin/accounts/user/<id>/password/": [
        Check(staff_only(FORBIDDEN, superuser=OK), url=lambda w: f"/admin/accounts/user/{w.owner.pk}/password/"),
    ],
}


def view_on_site_url(w: World) -> str:
    from django.contrib.contenttypes.models import ContentType

    track = w.objects[type(w.plan.track)]
    return f"/admin/r/{ContentType.objects.get_for_model(track).pk}/{track.pk}/"


# What each admin principal may do with each registered model, as the groups
# made by migration 0002 grant it. Plans, progress, history and reminders are
# read-only for everybody, a superuser too (ReadOnlyAdmin); content editors
# never see users or progress.
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = {VIEW, ADD, CHANGE, DELETE}
ADMIN_ACCESS: dict[str, dict[str, set[str]]] = {
    "auth.group": {SUPERUSER: ALL},
    "account.emailaddress": {SUPERUSER: ALL},
    "token_blacklist.outstandingtoken": {SUPERUSER: {VIEW}},  # simplejwt's admin: a record, never edited
    "token_blacklist.blacklistedtoken": {SUPERUSER: ALL},
    "django_celery_beat.periodictask": {SUPERUSER: ALL},
    "django_celery_beat.clockedschedule": {SUPERUSER: ALL},
    "django_celery_beat.crontabschedule": {SUPERUSER: ALL},
    "django_celery_beat.solarschedule": {SUPERUSER: ALL},
    "django_celery_beat.intervalschedule": {SUPERUSER: ALL},
    "accounts.user": {STAFF: {VIEW}, SUPERUSER: ALL},
    "tracker.careertrack": {EDITOR: ALL, SUPERUSER: ALL},
    "tracker.milestone": {EDITOR: ALL, SUPERUSER: ALL},
    "tracker.enrollment": {STAFF: {VIEW}, SUPERUSER: {VIEW}},
    "tracker.milestoneprogress": {STAFF: {VIEW}, SUPERUSER: {VIEW}},
    "tracker.progressevent": {STAFF: {VIEW}, SUPERUSER: {VIEW}},
    "nudges.delivery": {SUPERUSER: {VIEW}},
    "nudges.notification": {SUPERUSER: {VIEW}},
    "nudges.device": {SUPERUSER: {VIEW}},
    # allauth.mfa's: a superuser removes the authenticator of someone who lost theirs.
    "mfa.authenticator": {SUPERUSER: ALL},
}


def _admin_model_checks() -> dict[str, list[Check]]:
    checks: dict[str, list[Check]] = {}
    for model in admin.site._registry:
        opts = model._meta
        label = f"{opts.app_label}.{opts.model_name}"
        if label not in ADMIN_ACCESS:
            continue  # reported by test_it_has_an_entry_for_every_route
        may = ADMIN_ACCESS[label]

        def page(*actions: str, may: dict[str, set[str]] = may) -> dict[str, Any]:
            return staff_only(
                OK,
                editor=OK if may.get(EDITOR, set()) & set(actions) else FORBIDDEN,
                staff=OK if may.get(STAFF, set()) & set(actions) else FORBIDDEN,
                superuser=OK if may.get(SUPERUSER, set()) & set(actions) else FORBIDDEN,
            )

        def object_url(suffix: str, model: type = model) -> Callable[[World], str]:
            return lambda w: f"/admin/{model._meta.app_label}/{model._meta.model_name}/{w.objects[model].pk}/{suffix}"

        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        checks[base] = [Check(page(VIEW, CHANGE))]
        checks[f"{base}add/"] = [Check(page(ADD))]
        checks[f"{base}<path:object_id>/change/"] = [Check(page(VIEW, CHANGE), url=object_url("change/"))]
        checks[f"{base}<path:object_id>/history/"] = [Check(page(VIEW, CHANGE), url=object_url("history/"))]
        checks[f"{base}<path:object_id>/delete/"] = [Check(page(DELETE), url=object_url("delete/"))]
        # The bare object URL redirects to its change page, for any staff member.
        checks[f"{base}<path:object_id>/"] = [Check(staff_only(REDIRECT), url=object_url(""))]
    return checks


TABLE: dict[str, list[Check]] = {**WEB, **API, **ADMIN_SITE, **_admin_model_checks()}


def live_patterns() -> dict[str, URLPattern]:
    """Every route of the live URLconf, keyed by its ``prefix + pattern`` string."""

    def walk(patterns: list[Any], prefix: str) -> Any:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p

    return dict(walk(get_resolver().url_patterns, "/"))


def api_routes() -> list[tuple[str, type]]:
    """(route, view class) of every /api/v1/ route served by a class-based view, from the live URLconf."""
    return [
        (route, pattern.callback.view_class)
        for route, pattern in live_patterns().items()
        if route.startswith("/api/v1/") and hasattr(pattern.callback, "view_class")
    ]


def allowed_methods(view_class: type) -> set[str]:
    """The methods a class-based view answers (HEAD and OPTIONS aside)."""
    return {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)} & set(
        view_class.http_method_names
    )


def test_it_has_an_entry_for_every_route():
    """A new URL (or a newly registered ModelAdmin) must be added to the table, and no entry is stale."""
    assert {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry} == set(ADMIN_ACCESS)
    assert set(live_patterns()) == set(TABLE)


def test_every_api_route_has_a_row_for_each_method_it_allows():
    """A method added to an API view (a PATCH, a DELETE) must get its own row, with its outcome per principal."""
    views = dict(api_routes())
    assert "/api/v1/enrollments/<int:pk>/" in views  # the walk found the API's views
    for route, view_class in views.items():
        assert {check.method for check in TABLE[route]} == allowed_methods(view_class), route


def test_every_entry_names_an_outcome_for_every_principal():
    """No (route, principal) pair is left unspecified."""
    for route, checks in TABLE.items():
        for check in checks:
            assert set(check.expect) == set(PRINCIPALS), route


# --------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------


def client_for(world: World, principal: str, api: bool) -> Client:
    user = world.users[principal]
    if api:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def login_redirect_for(after_login: str | None) -> str:
    """The web login's address, naming the page to bring the visitor back to once signed in."""
    return "/accounts/login/" + (f"?{urlencode({'next': after_login}, safe='/')}" if after_login else "")


def outcome_of(response: Any) -> Any:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _data(check: Check, world: World) -> dict[str, Any]:
    milestone_pk = world.progress.milestone_id
    return {key.replace("{pk}", str(milestone_pk)): value for key, value in check.data.items()}


# The pages made for support staff to look at people's plans.
SUPPORT_PAGES = ("/admin/accounts/user/", "/admin/tracker/enrollment/", "/admin/tracker/milestoneprogress/")
SUPPORT_PAGES += ("/admin/tracker/progressevent/",)


@pytest.mark.parametrize("route", sorted(TABLE))
def test_each_principal_gets_the_expected_outcome_and_nothing_of_the_owners(world, route):
    """Status per principal as in the table; no one but the owner sees the owner's private data."""
    failures = []
    for check in TABLE[route]:
        url = check.url(world) if check.url else route
        for principal in PRINCIPALS:
            client = client_for(world, principal, check.api)
            kwargs = {"format": "json"} if check.api and check.method != "get" else {}
            response = getattr(client, check.method)(url, _data(check, world), **kwargs)
            got = outcome_of(response)
            request = f"{check.method.upper()} {url} as {principal}"
            if got != check.expect[principal]:
                failures.append(f"{request}: {got!r}, expected {check.expect[principal]!r}")
            login = login_redirect_for(url if check.after_login == THE_URL_ASKED_FOR else check.after_login)
            # Compared decoded: allauth's reauthentication sends ?next=%2F..., Django's ?next=/...
            if got == LOGIN and unquote(response["Location"]) != unquote(login):
                failures.append(f"{request}: sent to {response['Location']}, expected {login}")
            if check.api and got == NOT_FOUND and response.json() != API_NOT_FOUND:
                failures.append(f"{request}: 404 says {response.json()!r}, expected {API_NOT_FOUND!r}")
            if principal == OWNER or (principal == STAFF and url.startswith(SUPPORT_PAGES)):
                continue
            if principal == SUPERUSER and url.startswith("/admin/"):
                continue
            body = body_of(response)
            allowed = check.mentor_sees if principal == MENTOR else ()
            leaked = [s for s in world.secrets_on(url) if s in body and s not in allowed]
            if leaked:
                failures.append(f"{request} shows {leaked}")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------
# The promises the table's outcomes alone do not spell out
# --------------------------------------------------------------------------


def test_it_never_shows_a_content_editor_anyones_progress(world):
    """Not in the admin, not on the web, not through the API: the editor only ever gets their own (empty) state."""
    editor = Client()
    editor.force_login(world.users[EDITOR])
    for path in ("tracker/enrollment", "tracker/milestoneprogress", "tracker/progressevent"):
        assert editor.get(f"/admin/{path}/").status_code == 403, path
    for path in ("nudges/delivery", "nudges/notification"):
        assert editor.get(f"/admin/{path}/").status_code == 403, path
    assert editor.get("/admin/accounts/user/").status_code == 403
    assert editor.get(f"/plans/{world.plan.pk}/").status_code == 404
    api_client = client_for(world, EDITOR, api=True)
    state = api_client.get("/api/v1/progress/sql/").json()
    assert (state["status"], state["notes"], state["evidence_url"]) == ("not_started", "", "")
    assert api_client.get(f"/api/v1/enrollments/{world.plan.pk}/").status_code == 404
    assert api_client.get("/api/v1/progress/?track=data-engineer").json()["results"][0]["notes"] == ""


def test_a_shared_link_shows_the_plan_and_nothing_private_and_dies_when_revoked(world, client):
    """The shared page promises progress, never the email; notes, and the evidence of what is not done, stay private."""
    token = world.share_token
    # 32 random bytes (256 bits), URL-safe: not guessable, and a fresh one each time it is turned on.
    assert len(token) >= 43
    body = client.get(f"/shared/{token}/").content.decode()
    assert "Data Engineer" in body
    assert "SQL" in body
    assert "In progress" in body
    assert "Olive Owner" in body  # the display name is what the page shows instead of the email
    for private in world.secrets_on(f"/shared/{token}/"):
        assert private not in body
    assert client.get(f"/shared/{token.swapcase()}/").status_code == 404
    world.plan.unshare()
    assert client.get(f"/shared/{token}/").status_code == 404
    assert world.plan.share() != token
    world.plan.status = "archived"
    world.plan.save()
    assert client.get(f"/shared/{world.plan.share_token}/").status_code == 404


def test_nobody_but_the_owner_changes_the_owners_plan(world):
    """Posts to the owner's plan URLs, as anyone else, change neither the plan nor anyone's progress."""
    url = f"/plans/{world.plan.pk}"
    milestone_pk = world.progress.milestone_id
    changes = {
        f"{url}/milestones/sql/status/": {"status": "done"},
        f"{url}/milestones/sql/details/": {
            f"m{milestone_pk}-notes": "overwritten",
            f"m{milestone_pk}-evidence_url": "https://elsewhere.example.com/",
        },
        f"{url}/plan-dates/": {"target_date": "2040-01-01"},
        f"{url}/share/": {"share": "off"},
    }
    for principal in PRINCIPALS:
        if principal == OWNER:
            continue
        client = client_for(world, principal, api=False)
        for change_url, data in changes.items():
            assert outcome_of(client.post(change_url, data)) in (NOT_FOUND, LOGIN), (principal, change_url)
    world.plan.refresh_from_db()
    assert (world.plan.status, world.plan.target_date, world.plan.share_token) == (
        "active",
        date(2099, 1, 1),
        world.share_token,
    )
    progress = MilestoneProgress.objects.get()  # the owner's, and nobody else's
    assert (progress.pk, progress.status, progress.notes, progress.evidence_url, progress.target_date) == (
        world.progress.pk,
        "in_progress",
        SECRET_NOTE,
        SECRET_EVIDENCE,
        None,
    )


def test_web_forms_refuse_a_post_without_the_csrf_token(world):
    """A form posted from another site (no CSRF token) is refused with a 403, even with the owner's session."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.owner)
    assert strict.post(f"/plans/{world.plan.pk}/share/", {"share": "off"}).status_code == 403
    assert strict.post("/settings/delete/", {"password": "x"}).status_code == 403
    world.plan.refresh_from_db()
    assert world.plan.share_token == world.share_token
    assert type(world.owner).objects.filter(pk=world.owner.pk).exists()
