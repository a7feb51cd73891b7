from typing import Any

from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = "Skills and companies"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tracker import versions

        # account: adds skill ratings and company checks to a person's data export.
        from . import account  # noqa: F401
        from .models import CompanyCheck, SkillRating

        # The dashboard's card is cached under the person's plan stamp (growth.templatetags.growth).

        def on_rating(sender: Any, instance: SkillRating, **kwargs: Any) -> None:
            versions.plans_changed([instance.person_id])

        def on_check(sender: Any, instance: CompanyCheck, **kwargs: Any) -> None:
            versions.plans_changed([instance.user_id])

        for signal in (post_save, post_delete):
            signal.connect(on_rating, sender=SkillRating, weak=False, dispatch_uid="growth-card-rating")
            signal.connect(on_check, sender=CompanyCheck, weak=False, dispatch_uid="growth-card-check")
