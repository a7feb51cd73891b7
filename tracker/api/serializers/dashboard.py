"""The dashboard: every current plan's progress, next steps and dates, and the streak."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.activity import ACTIVE, OPEN, REST, Heatmap, HeatmapDay, Streak
from tracker.models import Category, EnrollmentStatus, Status
from tracker.progress import (
    ALTERNATIVE,
    CANDIDATE,
    EXPIRED,
    REQUIRED,
    CategoryProgress,
    Dashboard,
    StepState,
    TrackProgress,
    Unit,
)


class DashboardMilestoneSerializer(serializers.Serializer[StepState]):
    milestone = serializers.CharField(source="milestone.slug")
    title = serializers.CharField(source="milestone.title")
    category = serializers.ChoiceField(source="milestone.category", choices=Category.choices)
    personal = serializers.BooleanField(source="milestone.is_personal", help_text="A milestone of your own.")
    status = serializers.ChoiceField(
        choices=[*Status.values, EXPIRED], help_text="Your state on it; expired: a certification that lapsed."
    )
    target_date = serializers.DateField(allow_null=True)
    role = serializers.ChoiceField(
        choices=[REQUIRED, CANDIDATE, ALTERNATIVE],
        help_text="required: needed on its own; candidate: the pick (chosen, or the quickest) of its choice group; "
        "alternative: an option of a choice group that is not needed.",
    )
    checklist_done = serializers.IntegerField(allow_null=True, help_text='Ticked checklist items: the 3 of "3 of 5".')
    checklist_total = serializers.IntegerField(
        allow_null=True, help_text='Your checklist items on this milestone (its own and yours): the 5 of "3 of 5".'
    )


class CategoryProgressSerializer(serializers.Serializer[CategoryProgress]):
    category = serializers.ChoiceField(choices=Category.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    counted = serializers.IntegerField(help_text="total - skipped: what percent is taken of.")
    percent = serializers.IntegerField()


class GroupProgressSerializer(serializers.Serializer[Unit]):
    """A choice group of the plan as one unit: how many of its options are done, and which are chosen."""

    slug = serializers.SlugField(source="group.slug")
    title = serializers.CharField(source="group.title")
    needs = serializers.IntegerField(source="group.needs", help_text="How many of its milestones a person needs.")
    done = serializers.IntegerField(source="done_members", help_text="How many of its milestones are done.")
    status = serializers.ChoiceField(
        choices=[Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.SKIPPED],
        help_text="done once `needs` milestones are; in_progress once one is chosen (started or done).",
    )
    chosen = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_chosen(self, unit: Unit) -> list[str]:
        """Slugs of the options started or done (an expired one included), in ladder order."""
        return [item.milestone.slug for item in unit.chosen]


class EnrollmentProgressSerializer(serializers.Serializer[TrackProgress]):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    track = serializers.CharField(source="enrollment.track.slug")
    track_name = serializers.CharField(source="enrollment.track.name")
    target_date = serializers.DateField(source="enrollment.target_date", allow_null=True)
    status = serializers.ChoiceField(source="enrollment.status", choices=EnrollmentStatus.choices)
    percent = serializers.IntegerField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    counted = serializers.IntegerField(help_text="total - skipped: what percent is taken of.")
    effort_weeks = serializers.IntegerField(help_text="Weeks of effort of everything needed (skipped units left out).")
    effort_left_weeks = serializers.IntegerField(help_text="Weeks of effort of what is still to do.")
    is_complete = serializers.BooleanField()
    by_category = CategoryProgressSerializer(many=True)
    groups = GroupProgressSerializer(many=True, help_text="The plan's choice groups, each counted once in total.")
    next_up = DashboardMilestoneSerializer(many=True)
    upcoming = DashboardMilestoneSerializer(many=True)
    overdue = DashboardMilestoneSerializer(many=True)


class StreakSerializer(serializers.Serializer[Streak]):
    """The weekly streak (``tracker.activity.streak_of``): one rest week in any four keeps it alive."""

    weeks = serializers.IntegerField(help_text="Weeks in a row with activity; rest weeks keep it without adding.")
    this_week = serializers.ChoiceField(
        choices=[ACTIVE, REST, OPEN],
        help_text="active: something done this week; rest: taken off; open: nothing yet (it may still count).",
    )
    at_risk = serializers.BooleanField(
        help_text="Nothing done this week and the rest allowance is used: missing this week ends the streak."
    )
    rest_weeks_used = serializers.IntegerField(help_text="Rest weeks in the last four weeks, this one included.")
    rest_weeks_available = serializers.IntegerField(
        help_text="1 when this week could be a rest week without ending the streak, else 0."
    )
    last_rest_week = serializers.DateField(allow_null=True, help_text="The Monday of the streak's latest rest week.")
    next_rest_week = serializers.DateField(help_text="The first Monday, this week's or later, that may be a rest week.")


class HeatmapDaySerializer(serializers.Serializer[HeatmapDay]):
    day = serializers.DateField()
    count = serializers.IntegerField(help_text="Things done that day (status changes, ticks, notes or evidence saved).")
    level = serializers.IntegerField(help_text="0 to 4, as the web's heat-map shades it.")


class HeatmapSerializer(serializers.Serializer[Heatmap]):
    """The activity days of the last 26 weeks, this one last, on the person's calendar."""

    start = serializers.DateField(help_text="The Monday of the first week.")
    end = serializers.DateField(help_text="The Sunday of this week.")
    active_days = serializers.IntegerField()
    days = HeatmapDaySerializer(many=True, help_text="Days with activity, oldest first; days left out had none.")
    rest_weeks = serializers.ListField(
        child=serializers.DateField(), help_text="Mondays of the rest weeks in the range (taken off or forgiven)."
    )


class DashboardSerializer(serializers.Serializer[Dashboard]):
    today = serializers.DateField()
    streak_weeks = serializers.IntegerField(help_text="The same as streak.weeks.")
    streak = StreakSerializer()
    heatmap = HeatmapSerializer()
    enrollments = EnrollmentProgressSerializer(source="plans", many=True)
