"""The API answers in the client's language (English, or German), with the same codes; the web stays English."""

import ast
import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.dates import MONTHS

from growth.models import CompanyCheck
from mentoring.models import Invite
from tests.factories import (
    CareerTrackFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    LadderStepFactory,
    MilestoneFactory,
)
from tracker import checklists

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}


def test_it_answers_in_german_when_asked_with_the_same_codes(api):
    english = api.post("/api/v1/enrollments/own/", {}, format="json")
    german = api.post("/api/v1/enrollments/own/", {}, format="json", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    assert english.status_code == german.status_code == 400
    assert english.json()["message"] == "Check the highlighted fields."
    assert german.json()["message"] == "Bitte prüfe die markierten Felder."
    # DRF's own messages come from its own German catalogue.
    assert english.json()["fields"]["title"] == ["This field is required."]
    assert german.json()["fields"]["title"] == ["Dieses Feld ist zwingend erforderlich."]
    assert german.json()["field_codes"] == english.json()["field_codes"] == {"title": ["required"]}
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en-gb"
    assert "Accept-Language" in german["Vary"]


def test_a_language_it_does_not_speak_gets_english(api):
    response = api.get("/api/v1/progress/?page_size=0", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 400
    assert response.json()["fields"]["page_size"] == ["Give a number of at least 1."]
    assert response["Content-Language"] == "en-gb"


def test_the_query_parameters_own_messages_are_german_too(api):
    response = api.get("/api/v1/progress/?updated_since=2026-11-28T03:00:00", HTTP_ACCEPT_LANGUAGE="de")

    assert response.json()["field_codes"] == {"updated_since": ["timezone_required"]}
    assert response.json()["fields"]["updated_since"] == [
        "Gib die Zeitzone der Zeit an: Z oder einen Versatz wie +01:00 am Ende."
    ]


def test_an_unknown_api_path_answers_in_german(anon):
    response = anon.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Nicht gefunden."}


def test_web_pages_stay_english_and_the_language_does_not_leak_to_them(client, api):
    api.get("/api/v1/progress/?page_size=0", HTTP_ACCEPT_LANGUAGE="de")

    assert translation.get_language() == "en-gb"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    assert "Content-Language" not in page
    assert re.search(r'<html lang="en', page.content.decode())


def catalogue_entries(source: str) -> list[dict[str, str]]:
    """The entries of a .po file (``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr``/``msgstr[n]``), header left out.

    Long texts are wrapped over several quoted lines, which are joined here.
    """
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for line in [*source.splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        elif line.startswith("#"):
            if line.startswith("#,"):
                entry["flags"] = line
        else:
            key, _, quoted = line.partition(" ")
            entry[key] = ast.literal_eval(quoted)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]", text))


@pytest.mark.parametrize("language", sorted(po.parts[-3] for po in LOCALE.glob("*/LC_MESSAGES/django.po")))
def test_the_compiled_catalogue_holds_every_translation_of_the_source(language):
    """The .mo is committed: it must say what the .po says (recompile with `make messages` after an edit).

    Every entry is translated, none is fuzzy (msgfmt would leave it out), and
    each translation keeps its English placeholders.
    """
    entries = catalogue_entries((LOCALE / language / "LC_MESSAGES" / "django.po").read_text())
    assert len(entries) > 100
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in entries:
        msgid = entry["msgid"]
        assert "fuzzy" not in entry.get("flags", ""), f"fuzzy: {msgid}"
        if "msgid_plural" in entry:
            forms = [entry["msgstr[0]"], entry["msgstr[1]"]]
            assert all(forms), f"untranslated: {msgid}"
            assert [catalogue.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 2)] == forms
            assert placeholders(forms[1]) == placeholders(entry["msgid_plural"]), msgid
            continue
        msgstr = entry["msgstr"]
        assert msgstr, f"untranslated: {msgid}"
        found = catalogue.pgettext(entry["msgctxt"], msgid) if "msgctxt" in entry else catalogue.gettext(msgid)
        assert found == msgstr
        assert placeholders(msgstr) == placeholders(msgid), msgid


def test_the_catalogue_is_gathered_from_every_app_not_only_api():
    msgids = {entry["msgid"] for entry in catalogue_entries((LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text())}

    assert {
        "Check the highlighted fields.",  # api
        "The date earned cannot be in the future.",  # tracker.models
        "The target date must be after today.",  # tracker.planning
        "Give the item a title.",  # tracker.checklists
        "This is your own invitation: send the link to your mentor.",  # mentoring
        "You already have a check for this company.",  # growth
        "Only an iOS device has an APNs environment.",  # nudges
        "This cursor was not issued to you here: sync again without one.",  # sync
        "Type your current password.",  # accounts
        "This badge is already attached to this milestone.",  # credentials
    } <= msgids
    # What stays English is not gathered: the admin's messages.
    assert "%(n)d track %(verb)s." not in msgids


# --- The domain's refusals -------------------------------------------------
# Each is asked for twice, in English and in German: the codes (what an app
# acts on) are the same, only the sentences for people differ.


def in_both_languages(send):
    """``send(**headers)`` without and with German: the two answers, checked to agree on everything but words."""
    english, german = send(), send(**GERMAN)
    assert english.status_code == german.status_code, (english.content, german.content)
    assert english["Content-Language"] == "en-gb"
    assert german["Content-Language"] == "de"
    english_body, german_body = english.json(), german.json()
    assert english_body["code"] == german_body["code"]
    assert english_body.get("field_codes") == german_body.get("field_codes")
    return english_body, german_body


@pytest.fixture
def exam(owner):
    """A milestone in the owner's plan, as the tracker's tests have it."""
    track = CareerTrackFactory(slug="t")
    milestone = MilestoneFactory(slug="exam", title="The exam")
    LadderStepFactory(track=track, milestone=milestone)
    EnrollmentFactory(user=owner, track=track)
    ChecklistItemFactory(milestone=milestone, title="Book it")
    return milestone


def test_a_date_earned_in_the_future_is_refused_in_german(api, exam):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    english, german = in_both_languages(
        lambda **lang: api.patch(
            "/api/v1/progress/exam/", {"status": "done", "earned_on": tomorrow.isoformat()}, format="json", **lang
        )
    )

    assert english["field_codes"] == {"earned_on": ["in_future"]}
    assert english["fields"]["earned_on"] == ["The date earned cannot be in the future."]
    assert german["fields"]["earned_on"] == ["Das Datum des Erwerbs darf nicht in der Zukunft liegen."]
    assert german["message"] == "Bitte prüfe die markierten Felder."


def test_a_stale_write_gets_its_412_in_german(api, exam):
    base = api.get("/api/v1/progress/exam/").json()["version"]
    assert api.patch("/api/v1/progress/exam/", {"status": "done"}, format="json").status_code == 200

    english, german = in_both_languages(
        lambda **lang: api.patch(
            "/api/v1/progress/exam/", {"notes": "offline"}, format="json", HTTP_IF_MATCH=f'"{base}"', **lang
        )
    )

    assert english["code"] == "version_conflict"
    assert english["current"] == german["current"]
    assert english["message"].startswith("This changed since you read it")
    assert german["message"] == (
        "Das hat sich geändert, seit du es gelesen hast: Führe deine Änderung mit dem aktuellen Stand "
        "zusammen und sende sie erneut."
    )


def test_the_plan_rules_refuse_in_german(api):
    CareerTrackFactory(slug="t")
    unnamed_en, unnamed_de = in_both_languages(
        lambda **lang: api.post("/api/v1/enrollments/own/", {"title": "   "}, format="json", **lang)
    )
    past_en, past_de = in_both_languages(
        lambda **lang: api.post("/api/v1/enrollments/", {"track": "t", "target_date": "2001-01-01"}, **lang)
    )

    assert unnamed_en["field_codes"] == {"title": ["required"]}
    assert (unnamed_en["fields"]["title"], unnamed_de["fields"]["title"]) == (
        ["Give the plan a name."],
        ["Gib dem Plan einen Namen."],
    )
    assert past_en["field_codes"] == {"target_date": ["not_after_today"]}
    assert (past_en["fields"]["target_date"], past_de["fields"]["target_date"]) == (
        ["The target date must be after today."],
        ["Das Zieldatum muss nach heute liegen."],
    )


def test_a_full_checklist_is_refused_in_german(api, owner, exam):
    for n in range(checklists.MAX_OWN_ITEMS):
        checklists.add_item(owner, exam, f"Step {n}")

    english, german = in_both_languages(
        lambda **lang: api.post("/api/v1/progress/exam/checklist/", {"title": "One more"}, format="json", **lang)
    )

    assert (english["code"], english["limit"], german["limit"]) == ("checklist_full", 30, 30)
    assert english["message"] == "This milestone already has 30 items of your own; remove one to add another."
    assert german["message"] == (
        "Dieser Meilenstein hat schon 30 eigene Punkte von dir; entferne einen, um einen weiteren hinzuzufügen."
    )


def test_an_archived_enrollment_refuses_to_change_in_german(api, owner):
    archived = EnrollmentFactory(user=owner, status="archived")

    english, german = in_both_languages(
        lambda **lang: api.patch(f"/api/v1/enrollments/{archived.pk}/", {"status": "active"}, **lang)
    )

    assert english["code"] == "archived"
    assert english["message"] == "An archived enrollment cannot change; enrol in the track again."
    assert german["message"] == "Ein archivierter Plan ändert sich nicht mehr; schreib dich erneut für den Track ein."


def test_accepting_ones_own_mentor_invitation_is_refused_in_german(api, owner):
    token = Invite.objects.create(learner=owner, email="mentor@example.com").token()

    english, german = in_both_languages(
        lambda **lang: api.post("/api/v1/mentor-invites/accept/", {"token": token}, format="json", **lang)
    )

    assert english["code"] == "own_invite"
    assert english["message"] == "This is your own invitation: send the link to your mentor."
    assert german["message"] == "Das ist deine eigene Einladung: Schick den Link an deinen Mentor."


def test_a_second_check_of_a_company_is_refused_in_german(api, owner):
    CompanyCheck.objects.create(user=owner, company="Acme")

    english, german = in_both_languages(
        lambda **lang: api.post("/api/v1/company-checks/", {"company": "ACME"}, format="json", **lang)
    )

    assert english["field_codes"] == {"company": ["duplicate"]}
    assert english["fields"]["company"] == ["You already have a check for this company."]
    assert german["fields"]["company"] == ["Du hast schon einen Check für diese Firma."]


def test_an_apns_environment_on_android_is_refused_in_german(api):
    body = {"platform": "android", "token": "t-1", "apns_environment": "production"}

    english, german = in_both_languages(lambda **lang: api.post("/api/v1/devices/", body, format="json", **lang))

    assert english["field_codes"] == {"apns_environment": ["not_ios"]}
    assert english["fields"]["apns_environment"] == ["Only an iOS device has an APNs environment."]
    assert german["fields"]["apns_environment"] == ["Nur ein iOS-Gerät hat eine APNs-Umgebung."]


def test_a_cursor_not_issued_here_is_refused_in_german(api):
    english, german = in_both_languages(lambda **lang: api.get("/api/v1/sync/", {"cursor": "not-a-cursor"}, **lang))

    assert english["field_codes"] == {"cursor": ["invalid_cursor"]}
    assert english["fields"]["cursor"] == ["This cursor was not issued to you here: sync again without one."]
    assert german["fields"]["cursor"] == [
        "Dieser Cursor wurde dir hier nicht ausgestellt: Synchronisiere erneut ohne Cursor."
    ]


def test_a_refused_operation_in_a_batch_is_answered_in_german(api, exam):
    def send(**lang):
        operation = {
            "idempotency_key": "blank-title",
            "op": "checklist_item.add",
            "target": {"milestone": "exam"},
            "data": {"title": ""},
        }
        return api.post("/api/v1/sync/batch/", {"operations": [operation]}, format="json", **lang)

    english, german = send(), send(**GERMAN)

    assert english.status_code == german.status_code == 200
    [refused_en], [refused_de] = english.json()["results"], german.json()["results"]
    assert refused_en["status"] == refused_de["status"] == "refused"
    assert refused_en["error"]["field_codes"] == refused_de["error"]["field_codes"] == {"title": ["blank"]}
    assert (refused_en["error"]["message"], refused_de["error"]["message"]) == (
        "Check the highlighted fields.",
        "Bitte prüfe die markierten Felder.",
    )
    assert (refused_en["error"]["fields"]["title"], refused_de["error"]["fields"]["title"]) == (
        ["Give the item a title."],
        ["Gib dem Punkt einen Titel."],
    )


def test_a_wrong_current_password_is_refused_in_german(api, owner, password):
    body = {"current_password": "not my password", "new_password": "a fresh and unusual passphrase"}

    english, german = in_both_languages(
        lambda **lang: api.post("/api/v1/auth/password/change/", body, format="json", **lang)
    )

    assert english["field_codes"] == {"current_password": ["enter_current_password"]}
    assert english["fields"]["current_password"] == ["Type your current password."]
    assert german["fields"]["current_password"] == ["Gib dein aktuelles Passwort ein."]
    owner.refresh_from_db()
    assert owner.check_password(password)


def test_dates_in_a_refusal_are_written_the_german_way(api, owner):
    """A rest week asked for last week names this week's Monday as German writes a date ("2. März")."""
    today = timezone.localdate(timezone.now(), owner.tzinfo)
    monday = today - dt.timedelta(days=today.weekday())
    last_week = (monday - dt.timedelta(days=7)).isoformat()

    english, german = in_both_languages(lambda **lang: api.post("/api/v1/rest-weeks/", {"week": last_week}, **lang))

    assert english["code"] == "not_this_week"
    with translation.override("de"):
        day = f"{monday.day}. {MONTHS[monday.month]}"
    assert english["fields"]["week"] == [
        f"Only the week you are in can be taken off: the week of {monday.day} {MONTHS[monday.month]}."
    ]
    assert german["fields"]["week"] == [f"Nur die laufende Woche kann eine Pause sein: die Woche vom {day}."]


def test_a_plan_that_does_not_fit_gives_its_figures_and_date_in_german(api, owner):
    today = timezone.localdate(timezone.now(), owner.tzinfo)
    track = CareerTrackFactory(slug="long")
    LadderStepFactory(track=track, milestone=MilestoneFactory(slug="thesis", effort_weeks=20))
    plan = EnrollmentFactory(user=owner, track=track, target_date=today + dt.timedelta(days=8))
    fits = today + dt.timedelta(weeks=20)

    english, german = in_both_languages(lambda **lang: api.post(f"/api/v1/enrollments/{plan.pk}/plan/", **lang))

    assert (english["code"], english["weeks_to_target"], german["date_that_fits"]) == (
        "plan_does_not_fit",
        1,
        fits.isoformat(),
    )
    assert english["message"] == (
        "What is left is about 20 weeks of effort, and your target is 1 week away. "
        f"A target of {fits.day} {MONTHS[fits.month]} {fits.year} fits, or skip what is not for you."
    )
    with translation.override("de"):
        day = f"{fits.day}. {MONTHS[fits.month]} {fits.year}"
    assert german["message"] == (
        f"Was übrig ist, braucht etwa 20 Wochen, und dein Ziel ist 1 Woche entfernt. Ein Ziel am {day} passt, "
        "oder überspringe, was nicht zu dir passt."
    )


def test_cached_answers_hold_no_language_so_a_german_first_reader_changes_nothing_for_others(api, anon, seeded, owner):
    """The dashboard, a track and the sync feed are cached or shared: asked in German first, still English's bytes."""
    from tracker.models import CareerTrack, Enrollment

    Enrollment.objects.enroll(owner, CareerTrack.objects.get(slug="data-engineer"))
    for path, client in (("/api/v1/dashboard/", api), ("/api/v1/tracks/data-engineer/", anon), ("/api/v1/sync/", api)):
        german = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
        english = client.get(path)
        assert german.status_code == english.status_code == 200, path
        assert german.content == english.content, path
