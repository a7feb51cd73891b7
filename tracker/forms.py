"""Forms of the Django admin for content (milestones, their default checklists, track import)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import ChecklistItem, Milestone, MilestoneProgress, Status, WorkProduct, check_prerequisite_cycle
from .rolefit import Answers

#: An export of one track is tens of kilobytes; this leaves a wide margin.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class MilestoneAdminForm(forms.ModelForm):
    """The milestone form; refuses prerequisites that would close a loop.

    The ``m2m_changed`` signal refuses them too, but only as an exception
    while saving; here the message is shown next to the field instead.
    """

    class Meta:
        model = Milestone
        fields = "__all__"  # noqa: DJ007  (the admin's fieldsets choose what is shown)

    def clean(self) -> dict[str, Any]:
        super().clean()
        prerequisites = self.cleaned_data.get("prerequisites")
        if prerequisites is not None and self.instance.pk is not None:
            try:
                check_prerequisite_cycle(self.instance, [m.pk for m in prerequisites])
            except ValidationError as exc:
                self.add_error("prerequisites", exc)
        return self.cleaned_data


class DefaultChecklistItemForm(forms.ModelForm):
    """An editors' checklist item of a milestone, which every plan shows.

    Its slug is required: it is what identifies the item across environments
    (export, import, the seed) and in people's ticks. The database refuses a
    second default item with the same slug on a milestone; the check here says
    so beside the field instead of failing on save (the model's own check
    cannot run in a form without ``owner``).
    """

    class Meta:
        model = ChecklistItem
        fields = ("order", "title", "slug")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = True
        self.fields["slug"].help_text = "Identifies the item within its milestone; unique there."
        # Sized by characters rather than the admin's fixed-width class: a
        # title is a short sentence, a slug a word or two.
        self.fields["title"].widget.attrs.update({"class": "", "size": 60})
        self.fields["slug"].widget.attrs.update({"class": "", "size": 20})

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        milestone_id = self.instance.milestone_id
        if milestone_id is not None:
            taken = ChecklistItem.objects.defaults().filter(milestone_id=milestone_id, slug=slug)
            if self.instance.pk is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError(
                    "Another checklist item of this milestone already uses the slug “%(slug)s”.",
                    params={"slug": slug},
                    code="duplicate_slug",
                )
        return slug


class TrackImportForm(forms.Form):
    """Upload of a JSON file made by "Export content as JSON"."""

    file = forms.FileField(
        label="JSON file",
        help_text="A file made by the “Export content as JSON” action, in this or another environment.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                "The file is larger than %(max)d MB; an export of a track is much smaller.",
                params={"max": MAX_IMPORT_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


# --------------------------------------------------------------------------
# Web UI forms
# --------------------------------------------------------------------------

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


# What the quiz says beside a question left unanswered.
ANSWER_NEEDED = {"required": "Choose one answer.", "invalid_choice": "Choose one of the answers shown."}


class RoleFitQuizForm(forms.Form):
    """The role-fit quiz; its cleaned data becomes ``rolefit.Answers``."""

    se_skill = forms.TypedChoiceField(
        label="How much do you enjoy (or already do) software engineering?",
        help_text="1: little so far · 5: I build and ship production software.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=ANSWER_NEEDED,
    )
    ml_knowledge = forms.TypedChoiceField(
        label="How much machine learning do you know?",
        help_text="1: just starting · 5: I read papers and train models from scratch.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=ANSWER_NEEDED,
    )
    communication = forms.TypedChoiceField(
        label="How much of your week would you like to spend writing and presenting?",
        help_text="1: as little as possible · 5: it is a big part of why I do this.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=ANSWER_NEEDED,
    )
    produces = forms.ChoiceField(
        label="What do you most like to produce?",
        choices=WorkProduct.choices,
        widget=forms.RadioSelect,
        error_messages=ANSWER_NEEDED,
    )

    def answers(self) -> Answers:
        """The validated answers, for ``rank_tracks``."""
        data = self.cleaned_data
        return Answers(
            se_skill=data["se_skill"],
            ml_knowledge=data["ml_knowledge"],
            communication=data["communication"],
            produces=data["produces"],
        )


EARNED_ON_HELP = "On your own calendar, not in the future; a certification's validity counts from it."


def _date_input(latest: date | None = None) -> forms.DateInput:
    """A date picker; ``latest`` caps it (the person's today for a date earned). The server checks either way."""
    attrs = {"type": "date"}
    if latest is not None:
        attrs["max"] = latest.isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class ProgressDetailsForm(forms.ModelForm):
    """Evidence, notes, target date and, once it is done, the date earned of one milestone in a user's plan.

    Only a done milestone has a date earned, so the field is there only
    then. Whether a date is acceptable (not in the future) is the domain's
    rule (``MilestoneProgress.objects.update_state``); the view shows its
    refusal beside the field.
    """

    class Meta:
        model = MilestoneProgress
        fields = ("evidence_url", "notes", "target_date", "earned_on")
        labels = {
            "evidence_url": "Evidence link",
            "notes": "Notes",
            "target_date": "Target date",
            "earned_on": "Date earned",
        }
        help_texts = {
            "evidence_url": "A certificate, repository, profile or write-up that shows it.",
            "earned_on": EARNED_ON_HELP,
        }
        widgets = {
            "target_date": _date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status != Status.DONE:
            del self.fields["earned_on"]
        else:
            self.fields["earned_on"].widget = _date_input(today)


class EarnedOnForm(forms.Form):
    """ "I already have this": mark a milestone done on the day it was earned (today unless changed)."""

    earned_on = forms.DateField(label="Date earned", help_text=EARNED_ON_HELP)

    def __init__(self, *args: Any, today: date | None = None, label: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"earned_on": today})
        super().__init__(*args, **kwargs)
        self.fields["earned_on"].widget = _date_input(today)
        if label:  # "Date renewed" when it records a renewal
            self.fields["earned_on"].label = label


class PlanDatesForm(forms.Form):
    """The track's target date; "Plan my dates" spreads milestone dates up to it."""

    # Set by the view when the effort left does not fit: the target it offers instead.
    date_that_fits: date | None = None

    target_date = forms.DateField(label="Reach the end of this track by", widget=_date_input())
