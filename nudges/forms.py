"""The reminder preferences' part of the settings page."""

from __future__ import annotations

from django import forms

from .models import ReminderPreferences


class ReminderPreferencesForm(forms.ModelForm):
    """How and when nudges reach the person."""

    class Meta:
        model = ReminderPreferences
        fields = ReminderPreferences.USER_FIELDS
        labels = {"digest_weekday": "Digest day", "digest_hour": "Digest hour (0-23, your time)"}
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "snoozed_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
