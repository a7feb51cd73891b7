"""Company checks: the companies you are considering, answered on the three questions, with a verdict.

Create, list, read, change (PATCH or PUT) and delete; another person's check
is a 404. A second check of the same company (whatever the capitals) is a
400 on ``company`` with code ``duplicate``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers

from accounts.models import User
from api.errors import bad_request
from api.etags import ETagMixin
from growth.models import CompanyCheck

from .serializers import CompanyCheckSerializer

DUPLICATE = ValidationError(
    {"company": ValidationError(_("You already have a check for this company."), code="duplicate")}
)


class UserCompanyChecks(generics.GenericAPIView[CompanyCheck]):
    """The requesting person's company checks only."""

    serializer_class = CompanyCheckSerializer

    def get_queryset(self) -> QuerySet[CompanyCheck]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return CompanyCheck.objects.none()
        user = self.request.user
        assert isinstance(user, User)
        return CompanyCheck.objects.for_user(user)

    def _save(self, serializer: serializers.BaseSerializer[CompanyCheck], **extra: Any) -> None:
        # The model's rules (a name, one check per company) through full_clean,
        # as on the web; the unique index settles a race between two requests.
        instance = serializer.instance or CompanyCheck(**extra)
        for field, value in serializer.validated_data.items():  # type: ignore[union-attr]
            setattr(instance, field, value)
        instance.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            raise bad_request(DUPLICATE) from None
        serializer.instance = instance


class CompanyCheckList(ETagMixin, UserCompanyChecks, generics.ListCreateAPIView[CompanyCheck]):
    """Your company checks, by company name; POST adds one."""

    def perform_create(self, serializer: serializers.BaseSerializer[CompanyCheck]) -> None:
        self._save(serializer, user=self.request.user)


class CompanyCheckDetail(UserCompanyChecks, generics.RetrieveUpdateDestroyAPIView[CompanyCheck]):
    """One of your company checks: read, change its answers and notes, or delete it."""

    def perform_update(self, serializer: serializers.BaseSerializer[CompanyCheck]) -> None:
        self._save(serializer)
