"""The plan page's "Proof" form: a badge's URL, or a baked badge image."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from tracker.models import Milestone

from .fetch import MAX_URL_LENGTH


def form_prefix(milestone: Milestone) -> str:
    """Each panel's form has its own field ids (``id_b12-url``): a page holds one per milestone."""
    return f"b{milestone.pk}"


class BadgeForm(forms.Form):
    """One of the two: a URL to check, or an image to read the badge from."""

    url = forms.CharField(
        label="Badge URL",
        required=False,
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url", "autocomplete": "url"}),
        help_text="The address of an Open Badges assertion, e.g. from your badge's share page.",
    )
    image = forms.FileField(
        label="Or upload a badge image",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
        help_text="A PNG or SVG badge with its assertion baked in, at most 1 MB.",
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        # "www.credly.com/badges/…" as people copy it from the address bar.
        if url and "://" not in url and "." in url.split("/", 1)[0]:
            url = f"https://{url}"
        return url

    def clean_image(self) -> bytes | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        limit = settings.CREDENTIALS_FETCH_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(f"The image is larger than {limit // 1024} KB.", code="too_large")
        data: bytes = upload.read(limit + 1)
        if len(data) > limit:
            raise forms.ValidationError(f"The image is larger than {limit // 1024} KB.", code="too_large")
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if not cleaned.get("url") and cleaned.get("image") is None:
            self.add_error("url", forms.ValidationError("Paste a badge URL or choose an image.", code="required"))
        elif cleaned.get("url") and cleaned.get("image") is not None:
            self.add_error("url", forms.ValidationError("Paste a URL or choose an image, not both.", code="both"))
        return cleaned
