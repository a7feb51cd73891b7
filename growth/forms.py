"""The rating form and the company check form; the rules behind them are the models'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User

from .models import NOTE_MAX, SKILL_LEVELS, Answer, CompanyCheck, Question, Skill, SkillRating

LEVELS = [(str(n), str(n)) for n in range(1, 6)]


class SkillRatingForm(forms.Form):
    """A level from 1 to 5 for each skill, as radio groups whose options carry the levels' descriptions."""

    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed since last time, for you to read later.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = {}
        for skill in Skill:
            fields[skill.value] = forms.TypedChoiceField(
                label=skill.label,
                choices=LEVELS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose a level from 1 to 5."},
            )
        # The skills first, in the models' order, then the note.
        self.fields = {**fields, "note": self.fields["note"]}

    def skill_groups(self) -> list[dict[str, Any]]:
        """Per skill: its bound field and each level's (value, description), for the radio groups."""
        return [
            {"field": self[skill], "levels": list(enumerate(SKILL_LEVELS[skill], start=1))} for skill in Skill.values
        ]

    def record(self, person: User, rater: User) -> SkillRating:
        """Save the rating (``SkillRating.objects.record``); a refusal becomes errors on the form."""
        scores = {skill: self.cleaned_data[skill] for skill in Skill.values}
        try:
            return SkillRating.objects.record(person, rater, scores, note=self.cleaned_data["note"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            raise


class CompanyCheckForm(forms.ModelForm):
    """The three questions, each a radio group with a note beside it."""

    class Meta:
        model = CompanyCheck
        fields = ("company", "has_data", "has_data_note", "use_cases", "use_cases_note", "must_have", "must_have_note")
        widgets = {
            "has_data": forms.RadioSelect,
            "use_cases": forms.RadioSelect,
            "must_have": forms.RadioSelect,
            "has_data_note": forms.Textarea(attrs={"rows": 2}),
            "use_cases_note": forms.Textarea(attrs={"rows": 2}),
            "must_have_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {f"{q}_note": "Note" for q in Question.values}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.user = user
        self.fields["company"].label = "Company"
        for question in Question.values:
            field = self.fields[question]
            assert isinstance(field, forms.ChoiceField)
            field.choices = Answer.choices
            field.error_messages["required"] = "Choose an answer (“Don't know” is one)."

    def questions(self) -> list[dict[str, Any]]:
        """Per question: its answer field and its note field."""
        return [{"answer": self[q], "note": self[f"{q}_note"]} for q in Question.values]
