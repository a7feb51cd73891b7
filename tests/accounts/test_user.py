import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from nudges.models import ReminderPreferences


def test_email_is_the_login_and_is_stored_lowercase(db):
    user = User.objects.create_user("Ada@Example.COM", "s3cret-pass-phrase")
    assert user.email == "ada@example.com"
    assert User.objects.get_by_natural_key("ADA@example.com") == user
    assert user.check_password("s3cret-pass-phrase")


def test_a_superuser_needs_no_username(db):
    admin = User.objects.create_superuser("root@example.com", "s3cret-pass-phrase")
    assert admin.is_staff
    assert admin.is_superuser


def test_the_name_falls_back_to_the_email_local_part(db):
    assert User(email="grace@example.com").name == "grace"
    assert User(email="grace@example.com", display_name="Grace H.").name == "Grace H."


@pytest.mark.parametrize("zone", ["Europe/London", "Pacific/Kiritimati", "America/Argentina/Buenos_Aires"])
def test_an_iana_timezone_is_accepted(db, zone):
    """A valid zone passes validation, is stored as given, and is the zone the person's hours are counted in."""
    user = User(email="tz@example.com", timezone=zone)
    user.full_clean(exclude=["password"])
    user.save()
    user.refresh_from_db()
    assert user.timezone == zone
    assert user.tzinfo.key == zone  # not the UTC fallback for a name zoneinfo does not know


@pytest.mark.parametrize("zone", ["GMT+3", "Mars/Olympus", "europe/london", ""])
def test_anything_but_an_iana_timezone_is_refused_with_a_clear_message(db, zone):
    with pytest.raises(ValidationError) as excinfo:
        User(email="tz@example.com", timezone=zone).full_clean(exclude=["password"])
    assert "timezone" in excinfo.value.message_dict


def test_reminder_preferences_are_made_on_first_use_with_defaults(owner):
    prefs = ReminderPreferences.for_user(owner)
    assert (prefs.enabled, prefs.stalled_after_days, prefs.digest_hour) == (True, 7, 9)
    assert ReminderPreferences.for_user(owner).pk == prefs.pk


@pytest.mark.parametrize(
    "name", ["Olive Owner", "Dr. Jane Smith Jr.", "J.R.R. Tolkien", "José Álvarez 😀", "Zoë O'Brien-Smith", "v1.2 fan"]
)
def test_a_display_name_of_plain_words_is_accepted(db, name):
    User(email="name@example.com", display_name=name).full_clean(exclude=["password"])


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Olive\nOwner", "line_break"),
        ("Olive\r\nOwner", "line_break"),
        ("Olive\u2028Owner", "line_break"),  # a line separator
        ("Olive\tOwner", "line_break"),  # a control character
        ("Olive \u202egro.live", "line_break"),  # right-to-left override: shows as "evil.org"
        ("Prize at evil.com", "link"),
        ("http://evil", "link"),
        ("go to www.evil", "link"),
        ("mailto:me", "link"),
        ("evil\u200b.com", "link"),  # a zero-width space inside
        ("evil\uff0ecom", "link"),  # a full-width full stop
        ("evil\u3002com", "link"),  # an ideographic full stop, a dot to browsers
        ("пример.рф", "link"),
        ("me@evil.co", "link"),
        ("call 10.0.0.1", "link"),
        ("St.John", "link"),  # after a full stop, a space
    ],
)
def test_a_display_name_cannot_carry_a_line_break_or_a_link_into_email(db, name, code):
    with pytest.raises(ValidationError) as excinfo:
        User(email="name@example.com", display_name=name).full_clean(exclude=["password"])
    assert [error.code for error in excinfo.value.error_dict["display_name"]] == [code]
