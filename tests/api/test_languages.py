"""The API answers in the client's language (English, or German), with the same codes; the web stays English."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"


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


def test_the_compiled_catalogue_holds_every_translation_of_the_source():
    """The .mo is committed: it must say what the .po says (recompile with `make messages` after an edit)."""
    source = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text()
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, flags=re.MULTILINE)
    assert entries
    with (LOCALE / "de" / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, msgstr in entries:
        assert msgstr, f"untranslated: {msgid}"
        assert catalogue.gettext(msgid) == msgstr
