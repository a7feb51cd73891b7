"""The parts of a person's account that the apps built on ``accounts`` keep.

``accounts`` is the bottom layer: it may not import ``tracker`` or ``nudges``,
yet "Export my data", the settings page and the API's ``me/`` cover what
those apps hold about a person. So each app registers its part here, once, in
its ``AppConfig.ready()``, and ``accounts`` reads the registry:

- ``export``: the app's sections of the data export (web and ``me/export/``);
- ``settings_form`` with ``instance``: a form saved on the settings page in the
  same transaction as the profile;
- ``serializer`` with ``instance``: a nested object of ``me/``, read and
  written with the profile;
- ``admin_inline``: an inline on the user's page in the admin.

Parts appear in the order their apps are installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.forms import ModelForm

if TYPE_CHECKING:
    from django.contrib.admin.options import InlineModelAdmin
    from rest_framework.serializers import ModelSerializer

    from .models import User


@dataclass(frozen=True)
class AccountPart:
    """What one app keeps about a person, and how the account pages reach it."""

    name: str  # the settings form's prefix
    export: Callable[[User], dict[str, Any]] | None = None
    instance: Callable[[User], Model] | None = None
    settings_form: type[ModelForm[Any]] | None = None
    settings_title: str = ""
    settings_help: str = ""
    serializer: type[ModelSerializer[Any]] | None = None
    me_field: str = ""  # the serializer's key in me/
    admin_inline: type[InlineModelAdmin[Any, Any]] | None = None  # shown on the user's admin page


_registry: dict[str, AccountPart] = {}


def register(part: AccountPart) -> None:
    """Add ``part``; registering the same name again replaces it (a reloaded module)."""
    _registry[part.name] = part


def registered() -> list[AccountPart]:
    """Every registered part, in registration order."""
    return list(_registry.values())
