"""Getting in without losing anything: ``next``, the quiz and the browser's time zone survive sign-up."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import QuizResult, User
from tracker.models import Enrollment

ENROL = "/tracks/mlops-engineer/enroll/"
QUIZ = {"se_skill": 5, "ml_knowledge": 1, "communication": 2, "produces": "deployed_systems"}
PASSPHRASE = "a long passphrase 42"


def sign_up(client, email="newcomer@example.com", **extra):
    data = {"email": email, "password1": PASSPHRASE, "password2": PASSPHRASE, **extra}
    return client.post("/accounts/signup/", data)


def confirmation_link():
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_enrolling_signed_out_leads_to_sign_up_with_a_sign_in_link_that_keeps_next(client, seeded):
    response = client.post(ENROL)
    assert response["Location"] == "/accounts/signup/?next=%2Ftracks%2Fmlops-engineer%2Fenroll%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/accounts/login/?next=%2Ftracks%2Fmlops-engineer%2Fenroll%2F"' in page
    assert 'name="next" value="/tracks/mlops-engineer/enroll/"' in page
    assert not Enrollment.objects.exists()


def test_next_survives_sign_up_and_confirmation_in_the_same_browser(client, seeded):
    assert sign_up(client, next=ENROL).status_code == 302
    response = client.post(confirmation_link())
    assert response["Location"] == ENROL
    page = client.get(ENROL).content.decode()
    assert "Start your ML DevOps / MLOps Engineer plan" in page
    assert not Enrollment.objects.exists()  # the page asks; enrolling is its POST
    assert User.objects.get(email="newcomer@example.com").continue_to == ""  # spent


def test_a_link_confirmed_in_another_browser_leads_to_the_chosen_track_at_the_first_sign_in(client, seeded):
    sign_up(client, next=ENROL)
    phone = Client()
    response = phone.post(confirmation_link())
    assert response["Location"].startswith("/accounts/login/")
    response = phone.post("/accounts/login/", {"login": "newcomer@example.com", "password": PASSPHRASE})
    assert response["Location"] == ENROL
    # Only once: the next sign-in goes to the dashboard as usual.
    again = Client().post("/accounts/login/", {"login": "newcomer@example.com", "password": PASSPHRASE})
    assert again["Location"] == "/dashboard/"


def test_a_sign_in_with_a_next_of_its_own_goes_there_and_forgets_the_kept_one(client, seeded):
    sign_up(client, next=ENROL)
    Client().post(confirmation_link())
    elsewhere = Client().post(
        "/accounts/login/", {"login": "newcomer@example.com", "password": PASSPHRASE, "next": "/tracks/"}
    )
    assert elsewhere["Location"] == "/tracks/"
    assert User.objects.get(email="newcomer@example.com").continue_to == ""


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_a_next_leading_off_the_site_is_not_kept(client, db, next_url):
    sign_up(client, next=next_url)
    assert User.objects.get(email="newcomer@example.com").continue_to == ""


def test_the_quiz_taken_signed_out_is_kept_on_the_account_at_sign_up(client, seeded):
    client.get("/quiz/", QUIZ)
    page = client.get("/accounts/signup/").content.decode()
    assert "Your quiz result (best fit: ML DevOps / MLOps Engineer) is kept on your account." in page
    sign_up(client)
    kept = QuizResult.objects.get(user__email="newcomer@example.com")
    assert kept.answers == QUIZ
    assert kept.ranking[0]["track"] == "mlops-engineer"
    assert kept.ranking[0]["reasons"]  # the reasons, not only a score
    assert len(kept.ranking) == 10


def test_the_quiz_taken_signed_out_is_kept_on_sign_in_and_replaces_an_older_one(client, owner, password, seeded):
    client.get("/quiz/", {**QUIZ, "se_skill": 1, "ml_knowledge": 5, "produces": "research"})
    client.post("/accounts/login/", {"login": owner.email, "password": password})
    assert QuizResult.objects.get(user=owner).ranking[0]["track"] != "mlops-engineer"
    client.logout()
    client.get("/quiz/", QUIZ)
    client.post("/accounts/login/", {"login": owner.email, "password": password})
    assert QuizResult.objects.get(user=owner).ranking[0]["track"] == "mlops-engineer"


def test_a_quiz_taken_signed_in_is_kept_when_enrolling(client, owner, seeded):
    client.force_login(owner)
    client.get("/quiz/", QUIZ)
    assert not QuizResult.objects.filter(user=owner).exists()  # a GET writes nothing to the account
    client.post(ENROL)
    assert QuizResult.objects.get(user=owner).answers == QUIZ


def test_the_browser_time_zone_is_kept_at_sign_up_under_its_current_name(client, db):
    sign_up(client, timezone="Asia/Calcutta")  # what Chromium reports for India
    assert User.objects.get(email="newcomer@example.com").timezone == "Asia/Kolkata"


@pytest.mark.parametrize("reported", ["", "Etc/GMT+5", "Mars/Olympus", "x" * 300])
def test_without_a_usable_browser_time_zone_the_account_keeps_utc(client, db, reported):
    response = sign_up(client, timezone=reported)
    assert response.status_code == 302
    assert User.objects.get(email="newcomer@example.com").timezone == "UTC"


def test_the_sign_up_page_carries_the_hidden_time_zone_field_and_its_script(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert '<input type="hidden" name="timezone" data-browser-timezone' in page
    assert 'src="/static/js/timezone.js"' in page
