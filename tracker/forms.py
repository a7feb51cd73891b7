"""Forms of the Django admin for content (milestones, track import)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Milestone, check_prerequisite_cycle

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
