"""Forms of the Django admin for content (milestones, track import)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Milestone, MilestoneProgress, WorkProduct, check_prerequisite_cycle
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


class RoleFitQuizForm(forms.Form):
    """The role-fit quiz; its cleaned data becomes ``rolefit.Answers``."""

    se_skill = forms.TypedChoiceField(
        label="How much do you enjoy (or already do) software engineering?",
        help_text="1: little so far · 5: I build and ship production software.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    ml_knowledge = forms.TypedChoiceField(
        label="How much machine learning do you know?",
        help_text="1: just starting · 5: I read papers and train models from scratch.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    communication = forms.TypedChoiceField(
        label="How much of your week would you like to spend writing and presenting?",
        help_text="1: as little as possible · 5: it is a big part of why I do this.",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    produces = forms.ChoiceField(
        label="What do you most like to produce?",
        choices=WorkProduct.choices,
        widget=forms.RadioSelect,
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


class ProgressDetailsForm(forms.ModelForm):
    """Evidence, notes and target date of one milestone in a user's plan."""

    class Meta:
        model = MilestoneProgress
        fields = ("evidence_url", "notes", "target_date")
        labels = {"evidence_url": "Evidence link", "notes": "Notes", "target_date": "Target date"}
        help_texts = {"evidence_url": "A certificate, repository, profile or write-up that shows it."}
        widgets = {
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class PlanDatesForm(forms.Form):
    """The track's target date; "Plan my dates" spreads milestone dates up to it."""

    target_date = forms.DateField(
        label="Reach the end of this track by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
