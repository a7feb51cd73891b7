"""A small ladder for the plan-rule tests of the web and the API: a choice of two clouds, and a skippable chain."""

from tests.factories import CareerTrackFactory, ChoiceGroupFactory, LadderStepFactory, MilestoneFactory


def cloud_ladder():
    """Python, then one of AWS ML (10 weeks) and GCP ML (8), Kaggle Contributor before Expert, and an ML course.

    Returns the track, its group and each milestone by slug.
    """
    track = CareerTrackFactory(slug="cloud-ml", name="Cloud ML")
    group = ChoiceGroupFactory(
        track=track, slug="one-cloud", title="One cloud certification", description="Pick the cloud you work in."
    )
    m = {
        "python": MilestoneFactory(slug="python", title="Python", effort_weeks=2),
        "aws": MilestoneFactory(slug="aws", title="AWS ML", category="certification", effort_weeks=10),
        "gcp": MilestoneFactory(slug="gcp", title="GCP ML", category="certification", effort_weeks=8),
        "contributor": MilestoneFactory(slug="contributor", title="Kaggle Contributor", category="kaggle"),
        "expert": MilestoneFactory(slug="expert", title="Kaggle Expert", category="kaggle", effort_weeks=26),
        "course": MilestoneFactory(slug="course", title="ML course", category="education", effort_weeks=12),
    }
    for slug in ("aws", "gcp", "course"):
        m[slug].prerequisites.add(m["python"])
    m["expert"].prerequisites.add(m["contributor"])
    for order, slug in enumerate(m):
        LadderStepFactory(
            track=track, milestone=m[slug], order=order, choice_group=group if slug in ("aws", "gcp") else None
        )
    return {"track": track, "group": group, **m}
