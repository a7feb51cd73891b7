"""factory_boy factories shared by every test module."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from tracker.models import (
    CareerLevel,
    CareerTrack,
    Category,
    ChoiceGroup,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    Resource,
)

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    timezone = "UTC"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_verified(user, create, verified, **kwargs):
        """A confirmed primary address, as a finished sign-up leaves; ``email_verified=False``: not confirmed yet."""
        if create:
            EmailAddress.objects.update_or_create(
                user=user, email=user.email.lower(), defaults={"primary": True, "verified": verified is not False}
            )


class CareerTrackFactory(DjangoModelFactory):
    class Meta:
        model = CareerTrack
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"Track {n}")
    summary = "A role to grow into."
    work_product = "Something useful"
    produces = "prediction_systems"
    tools = factory.LazyFunction(lambda: ["Python"])
    se_skill = 3
    ml_knowledge = 3
    communication_weight = 3
    is_published = True


class CareerLevelFactory(DjangoModelFactory):
    class Meta:
        model = CareerLevel

    track = factory.SubFactory(CareerTrackFactory)
    slug = factory.Sequence(lambda n: f"level-{n}")
    title = factory.Sequence(lambda n: f"Level {n}")
    order = factory.Sequence(lambda n: n)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"milestone-{n}")
    title = factory.Sequence(lambda n: f"Milestone {n}")
    description = "An achievement."
    category = Category.SKILL
    effort_weeks = 2


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    milestone = factory.SubFactory(MilestoneFactory)
    title = "A guide"
    url = factory.Sequence(lambda n: f"https://example.com/guide/{n}")


class LadderStepFactory(DjangoModelFactory):
    class Meta:
        model = LadderStep

    track = factory.SubFactory(CareerTrackFactory)
    milestone = factory.SubFactory(MilestoneFactory)
    order = factory.Sequence(lambda n: n)


class ChoiceGroupFactory(DjangoModelFactory):
    class Meta:
        model = ChoiceGroup

    track = factory.SubFactory(CareerTrackFactory)
    slug = factory.Sequence(lambda n: f"choice-{n}")
    title = factory.Sequence(lambda n: f"One of these ({n})")
    needs = 1


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    track = factory.SubFactory(CareerTrackFactory)


class MilestoneProgressFactory(DjangoModelFactory):
    class Meta:
        model = MilestoneProgress

    user = factory.SubFactory(UserFactory)
    milestone = factory.SubFactory(MilestoneFactory)
    # Done rows carry their date earned, as the domain writes them: the
    # completion's day in the owner's zone.
    status = "not_started"
    completed_at = None
    earned_on = factory.LazyAttribute(
        lambda row: (
            timezone.localdate(row.completed_at, row.user.tzinfo) if row.status == "done" and row.completed_at else None
        )
    )
    # And the expiry the domain keeps beside it (``Milestone.expires_on`` of the first earning).
    expires_on = factory.LazyAttribute(lambda row: row.milestone.expires_on(row.earned_on))


class ChecklistItemFactory(DjangoModelFactory):
    """An editors' item by default (no owner, a slug); pass ``owner=`` for a person's own item."""

    class Meta:
        model = "tracker.ChecklistItem"  # named, so this appended block needs no import above

    milestone = factory.SubFactory(MilestoneFactory)
    owner = None
    slug = factory.LazyAttributeSequence(lambda item, n: "" if item.owner else f"step-{n}")
    title = factory.Sequence(lambda n: f"Checklist step {n}")
    order = factory.Sequence(lambda n: n)


class ChecklistTickFactory(DjangoModelFactory):
    class Meta:
        model = "tracker.ChecklistTick"

    user = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ChecklistItemFactory)
    done = True
    done_at = factory.LazyFunction(timezone.now)
