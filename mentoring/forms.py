"""The mentors' web forms: they only check the shape of what was typed; the rules are in ``mentoring.mentorships``."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from tracker.models import Enrollment

from .models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, Verdict

SHARE_CHOICES = [("all", "All my plans, those I start later too"), ("some", "Only the plans I tick below")]


def _plan_name(plan: Enrollment) -> str:
    return plan.track.name


class SharingForm(forms.Form):
    """Which of the learner's current plans a mentor sees."""

    share = forms.ChoiceField(
        label="What your mentor sees", choices=SHARE_CHOICES, widget=forms.RadioSelect, initial="all"
    )
    plans = forms.ModelMultipleChoiceField(
        label="Plans to show",
        queryset=Enrollment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Used when you show only some plans.",
    )

    def __init__(self, *args: Any, learner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = self.fields["plans"]
        assert isinstance(plans, forms.ModelMultipleChoiceField)
        plans.queryset = Enrollment.objects.for_user(learner).current().select_related("track").order_by("started_at")
        plans.label_from_instance = _plan_name  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("share") == "some" and not data.get("plans"):
            self.add_error("plans", forms.ValidationError("Tick at least one plan to show.", code="required"))
        return data

    @property
    def share_all(self) -> bool:
        return self.cleaned_data["share"] == "all"


class InviteForm(SharingForm):
    email = forms.EmailField(label="Your mentor's email address", max_length=254)
    message = forms.CharField(
        label="A few words to them (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["email", "message", "share", "plans"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add to the thread",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH} characters.",
    )


class ReviewRequestForm(forms.Form):
    note = forms.CharField(
        label="What should your mentor look at? (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label="Your review", choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note to the learner",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you ask for more: say what would make it enough.",
    )
