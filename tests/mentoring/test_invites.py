"""Invitations: sent by email, accepted once within 7 days, withdrawn, expired, replayed; sign-up keeps ``next``."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.utils import timezone

from mentoring.models import Invite, InviteState, Mentorship
from nudges.models import Delivery, Notification


def accept_path(invite: Invite) -> str:
    return f"/mentor-invites/{invite.token()}/"


def test_it_sends_an_invitation_with_a_link_that_works_for_seven_days(client, learner, plan, other_plan):
    client.force_login(learner)
    response = client.post(
        "/mentors/",
        {
            "invite-email": " Mentor@Example.com ",
            "invite-message": "Would you?",
            "invite-share": "some",
            "invite-plans": [plan.pk],
        },
    )
    assert response.status_code == 302
    invite = Invite.objects.get()
    assert (invite.email, invite.share_all, list(invite.plans.all())) == ("mentor@example.com", False, [plan])
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["mentor@example.com"]
    assert message.subject == "Olive Owner asks you to mentor them on CareerPlan"
    assert accept_path(invite) in message.body
    assert "Data Engineer" in message.body
    assert "ML Researcher" not in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert accept_path(invite) in html
    assert "Would you?" in html
    page = client.get("/mentors/").content.decode()
    assert "mentor@example.com" in page
    assert "Withdraw" in page


def test_a_refused_invitation_keeps_what_was_typed_and_says_why_beside_the_field(client, learner, plan):
    client.force_login(learner)
    response = client.post(
        "/mentors/", {"invite-email": learner.email, "invite-message": "Kept", "invite-share": "all"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'id="id_invite-email_error"' in page
    assert "That is your own address" in page
    assert "Kept" in page
    response = client.post("/mentors/", {"invite-email": "someone@example.com", "invite-share": "some"})
    assert response.status_code == 400
    assert "Tick at least one plan to show." in response.content.decode()
    assert not Invite.objects.exists()
    assert not mail.outbox


def test_accepting_makes_the_mentorship_and_tells_the_learner_once(
    client, learner, mentor, invite, plan, other_plan, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    page = client.get(accept_path(invite)).content.decode()
    assert "Olive Owner asks you to be their mentor" in page
    assert "Data Engineer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(accept_path(invite))
    mentorship = Mentorship.objects.get()
    assert response["Location"] == f"/mentorships/{mentorship.pk}/"
    assert (mentorship.learner, mentorship.mentor, list(mentorship.visible_plans())) == (learner, mentor, [plan])
    invite.refresh_from_db()
    assert (invite.state, invite.mentorship) == (InviteState.ACCEPTED, mentorship)
    [note] = Notification.objects.filter(user=learner)
    assert note.title == "Mina Mentor is now your mentor"
    assert Delivery.objects.filter(user=learner, rule="mentor", period=f"accepted:{mentorship.pk}").count() == 2
    assert [m.subject for m in mail.outbox] == ["Mina Mentor is now your mentor"]


def test_a_replayed_invitation_does_nothing_and_says_why(
    client, learner, mentor, other, invite, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(accept_path(invite))
    again = client.post(accept_path(invite))
    assert again.status_code == 200  # the same mentor is pointed at what they see
    assert "You accepted this invitation already" in again.content.decode()
    client.force_login(other)
    replay = client.post(accept_path(invite))
    assert replay.status_code == 410
    assert "accepted already" in replay.content.decode()
    assert Mentorship.objects.count() == 1
    assert not Mentorship.objects.filter(mentor=other).exists()
    assert Notification.objects.filter(user=learner).count() == 1


def test_a_withdrawn_invitation_cannot_be_accepted(client, learner, mentor, invite):
    client.force_login(learner)
    assert client.post(f"/mentors/invites/{invite.pk}/withdraw/").status_code == 302
    invite.refresh_from_db()
    assert invite.state == InviteState.WITHDRAWN
    client.force_login(mentor)
    response = client.post(accept_path(invite))
    assert response.status_code == 410
    assert "Olive Owner withdrew this invitation." in response.content.decode()
    assert not Mentorship.objects.exists()


def test_an_expired_invitation_cannot_be_accepted(client, mentor, invite):
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(mentor)
    response = client.post(accept_path(invite))
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "not-a-token"])
def test_a_forged_or_altered_token_is_not_found(client, mentor, invite, mangle):
    client.force_login(mentor)
    assert client.get(f"/mentor-invites/{mangle(invite.token())}/").status_code == 404


def test_the_learner_cannot_accept_their_own_invitation(client, learner, invite):
    client.force_login(learner)
    response = client.post(accept_path(invite))
    assert response.status_code == 410
    assert not Mentorship.objects.exists()


def test_a_visitor_signs_up_and_comes_back_to_the_invitation(client, invite):
    path = accept_path(invite)
    page = client.get(path).content.decode()
    back = urlencode({"next": path})
    assert f"/accounts/signup/?{back}" in page
    assert f"/accounts/login/?{back}" in page
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?{back}"
    assert not Mentorship.objects.exists()


def test_sign_up_keeps_the_invitation_as_where_to_go(client, invite, settings):
    """``next`` is kept on the new account (``User.continue_to``) for the first sign-in after confirming."""
    from accounts.models import User

    path = accept_path(invite)
    client.post(
        f"/accounts/signup/?next={path}",
        {
            "email": "new-mentor@example.com",
            "password1": "a long enough pass 123",
            "password2": "a long enough pass 123",
            "next": path,
        },
    )
    assert User.objects.get(email="new-mentor@example.com").continue_to == path


def test_a_second_invitation_from_the_same_learner_widens_the_one_mentorship(
    client, learner, mentor, invite, other_plan, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(accept_path(invite))
    second = Invite.objects.create(learner=learner, email="mentor@example.com", share_all=True)
    client.post(accept_path(second))
    mentorship = Mentorship.objects.get()
    assert mentorship.share_all
    assert len(mentorship.visible_plans()) == 2
    assert Notification.objects.filter(user=learner).count() == 1


def test_too_many_invitations_are_refused_without_mailing_anyone(client, learner, plan):
    from mentoring.models import MAX_INVITES_PER_DAY, MAX_PENDING_INVITES

    for n in range(MAX_PENDING_INVITES):
        Invite.objects.create(learner=learner, email=f"waiting-{n}@example.com")
    client.force_login(learner)
    response = client.post("/mentors/", {"invite-email": "one-more@example.com", "invite-share": "all"})
    assert response.status_code == 400
    assert "invitations waiting; withdraw one first" in response.content.decode()
    Invite.objects.update(state=InviteState.WITHDRAWN)
    for n in range(MAX_INVITES_PER_DAY - MAX_PENDING_INVITES):
        Invite.objects.create(learner=learner, email=f"withdrawn-{n}@example.com", state=InviteState.WITHDRAWN)
    response = client.post("/mentors/", {"invite-email": "one-more@example.com", "invite-share": "all"})
    assert "try again tomorrow" in response.content.decode()
    assert not mail.outbox
