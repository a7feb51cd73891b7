"""Forms for what a person adds to their plans: personal milestones, catalogue milestones, plans of their own.

The choices ("after which milestone", "needs first") are the plan's own
milestones, in plan order, so a form can only name what the plan holds; the
domain (``PlanStep``) checks the same again and its refusals are put beside
the fields by the views.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from .models import AT_END, CareerTrack, Category, Milestone, Place
from .progress import StepState

AT_START = "start"


def _place_choices(items: Sequence[StepState], exclude: int | None = None) -> list[tuple[str, str]]:
    choices = [(AT_END, "At the end"), (AT_START, "At the start")]
    choices += [(i.milestone.slug, f"After “{i.milestone.title}”") for i in items if i.milestone.pk != exclude]
    return choices


class PlaceField(forms.ChoiceField):
    """Where in the plan: at the end, at the start, or after one of its milestones (by slug)."""


def place_of(value: str, items: Sequence[StepState]) -> Place:
    """The domain's ``after`` for a ``PlaceField`` value."""
    if value == AT_END:
        return AT_END
    if value == AT_START:
        return None
    return next(i.milestone for i in items if i.milestone.slug == value)


class ChoicesForm(forms.Form):
    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


class PersonalMilestoneForm(ChoicesForm):
    """A milestone of one's own: what it is, how long it takes, where it goes and what it needs first."""

    title = forms.CharField(label="Title", max_length=160, help_text="What you will have done, e.g. “Portfolio site”.")
    category = forms.ChoiceField(label="Kind", choices=Category.choices, initial=Category.PROJECT)
    effort_weeks = forms.IntegerField(
        label="Effort (weeks)", min_value=1, max_value=520, initial=2, help_text="About how many weeks of work."
    )
    description = forms.CharField(
        label="Description", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    after = PlaceField(label="Place in the plan")
    prerequisites = forms.MultipleChoiceField(
        label="Needs first",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Milestones of this plan to finish before this one (optional).",
    )

    def __init__(
        self, *args: Any, items: Sequence[StepState], milestone: Milestone | None = None, **kwargs: Any
    ) -> None:
        if milestone is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": milestone.title,
                    "category": milestone.category,
                    "effort_weeks": milestone.effort_weeks,
                    "description": milestone.description,
                    "prerequisites": [p.slug for p in milestone.prerequisites.all()],
                },
            )
        super().__init__(*args, **kwargs)
        self.items = items
        own = milestone.pk if milestone is not None else None
        self._choice_field("prerequisites").choices = [
            (i.milestone.slug, i.milestone.title) for i in items if i.milestone.pk != own
        ]
        if milestone is None:
            self._choice_field("after").choices = _place_choices(items)
            self.fields["after"].initial = AT_END
        else:
            del self.fields["after"]  # an existing step moves with its own buttons

    def chosen_prerequisites(self) -> list[Milestone]:
        wanted = set(self.cleaned_data.get("prerequisites") or ())
        return [i.milestone for i in self.items if i.milestone.slug in wanted]

    def place(self) -> Place:
        return place_of(self.cleaned_data["after"], self.items)

    def fields_for_domain(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "category", "effort_weeks", "description")}


class CatalogueStepForm(ChoicesForm):
    """A milestone from the catalogue, for a plan of one's own; those already in the plan are not offered."""

    milestone = forms.ChoiceField(label="Milestone")
    after = PlaceField(label="Place in the plan")

    def __init__(self, *args: Any, items: Sequence[StepState], catalogue: Sequence[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        held = {i.milestone.pk for i in items}
        by_category: dict[str, list[tuple[str, str]]] = {}
        for milestone in catalogue:
            if milestone.pk not in held:
                by_category.setdefault(milestone.get_category_display(), []).append((milestone.slug, milestone.title))
        self._choice_field("milestone").choices = [("", "Choose a milestone…"), *by_category.items()]
        self._choice_field("after").choices = _place_choices(items)
        self.fields["after"].initial = AT_END

    def place(self) -> Place:
        return place_of(self.cleaned_data["after"], self.items)


class NewPlanForm(forms.Form):
    """A plan of one's own: its name, and the track whose milestones it starts with, if any."""

    title = forms.CharField(label="Name of the plan", max_length=120, help_text="e.g. “ML engineer, my way”.")
    from_track = forms.ModelChoiceField(
        label="Start with the milestones of",
        queryset=CareerTrack.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Nothing: I will add them myself",
        help_text="You can add, remove and reorder every milestone afterwards.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_track"].queryset = CareerTrack.objects.published()  # type: ignore[attr-defined]


class RenamePlanForm(forms.Form):
    title = forms.CharField(label="Name of the plan", max_length=120)
