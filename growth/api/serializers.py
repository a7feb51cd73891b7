"""Skill ratings, where they put the person, and company checks, in the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import STRICT_FIELD_MAPPING
from growth.models import NOTE_MAX, SKILL_LEVELS, Answer, CompanyCheck, Outlook, RatedBy, Skill, SkillRating
from growth.standing import Position, Standing, place

LEVEL_HELP = "1 to 5; what each level means is in skills/ (``levels``)."


class SkillSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="The field name in a rating.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the serializer's own label
    levels = serializers.ListField(child=serializers.CharField(), help_text="What levels 1 to 5 mean, in order.")


class PositionSerializer(serializers.Serializer[Position]):
    """A point on the map of roles, each axis 1 to 5 (``growth.standing``)."""

    se = serializers.FloatField(help_text="Software engineering, across.")
    ml = serializers.FloatField(help_text="Machine-learning knowledge, up.")
    communication = serializers.FloatField(help_text="Communication and technical writing: the bubble's size.")
    rated_at = serializers.DateTimeField()
    rating = serializers.IntegerField(source="rating_id")
    milestones_done = serializers.IntegerField(help_text="Milestones done by the rating's day, counted in.")
    from_milestones = serializers.ListField(
        child=serializers.FloatField(), help_text="What those milestones added to se, ml and communication."
    )


class SkillRatingSerializer(serializers.ModelSerializer[SkillRating]):
    """A rating of the person's five skills, by themselves or a mentor, with where it places them."""

    rated_by = serializers.ChoiceField(choices=RatedBy.choices, read_only=True)
    rater_name = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    programming = serializers.IntegerField(min_value=1, max_value=5, help_text=LEVEL_HELP)
    ml_algorithms = serializers.IntegerField(min_value=1, max_value=5, help_text=LEVEL_HELP)
    data_modelling = serializers.IntegerField(min_value=1, max_value=5, help_text=LEVEL_HELP)
    software_engineering = serializers.IntegerField(min_value=1, max_value=5, help_text=LEVEL_HELP)
    communication = serializers.IntegerField(min_value=1, max_value=5, help_text=LEVEL_HELP)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")

    class Meta:
        model = SkillRating
        fields = ("id", "rated_at", "rated_by", "rater_name", *Skill.values, "note", "position")
        read_only_fields = ("id", "rated_at", "rated_by", "rater_name", "position")

    def get_rater_name(self, rating: SkillRating) -> str | None:
        """The mentor's name on a mentor's rating (null once their account is gone); null on your own."""
        if rating.rated_by == RatedBy.SELF or rating.rater is None:
            return None
        return rating.rater.name

    @extend_schema_field(PositionSerializer)
    def get_position(self, rating: SkillRating) -> dict[str, Any]:
        """Where this rating, with the milestones done by its day, places you on the map."""
        done = self.context.get("done")
        return dict(PositionSerializer(place(rating, done if done is not None else [])).data)


class TargetSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    se_skill = serializers.IntegerField()
    ml_knowledge = serializers.IntegerField()
    communication_weight = serializers.IntegerField()


class GapSerializer(serializers.Serializer[Any]):
    se = serializers.FloatField(help_text="Still to grow in software engineering; 0 or less: reached.")
    ml = serializers.FloatField()
    communication = serializers.FloatField()


class ClosingMilestoneSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField(source="milestone.slug")
    title = serializers.CharField(source="milestone.title")
    category = serializers.CharField(source="milestone.category")


class ClosingSerializer(serializers.Serializer[Any]):
    se = ClosingMilestoneSerializer(many=True, required=False)
    ml = ClosingMilestoneSerializer(many=True, required=False)


class StandingSerializer(serializers.Serializer[Standing]):
    """Where you stand: now, your trail, a mentor's view, and the gap to your target track."""

    position = PositionSerializer(allow_null=True, help_text="Where your latest self-rating places you.")
    trail = PositionSerializer(many=True, help_text="One point per self-rating, oldest first.")
    mentor = PositionSerializer(allow_null=True, help_text="Where your latest mentor's rating places you.")
    target = TargetSerializer(
        allow_null=True, help_text="Your newest plan's track (or ?track=), else your quiz's best."
    )
    plan = serializers.IntegerField(source="enrollment.pk", allow_null=True, default=None)
    gap = GapSerializer(allow_null=True)
    closing = ClosingSerializer(
        help_text="Per axis short of the target: your plan's milestones not done that train it."
    )


class VerdictSerializer(serializers.Serializer[Any]):
    outlook = serializers.ChoiceField(choices=Outlook.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the serializer's own label
    reasons = serializers.ListField(child=serializers.CharField())


class CompanyCheckSerializer(serializers.ModelSerializer[CompanyCheck]):
    """A company you are considering: the three questions' answers and notes, and the verdict."""

    serializer_field_mapping = STRICT_FIELD_MAPPING  # JSON types read strictly (api.fields): 0 is not a note

    has_data = serializers.ChoiceField(choices=Answer.choices, default=Answer.UNKNOWN)
    use_cases = serializers.ChoiceField(choices=Answer.choices, default=Answer.UNKNOWN)
    must_have = serializers.ChoiceField(choices=Answer.choices, default=Answer.UNKNOWN)
    verdict = VerdictSerializer(read_only=True)

    class Meta:
        model = CompanyCheck
        fields = (
            "id",
            "company",
            "has_data",
            "has_data_note",
            "use_cases",
            "use_cases_note",
            "must_have",
            "must_have_note",
            "verdict",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "verdict", "created_at", "updated_at")


def skills() -> list[dict[str, Any]]:
    """The five skills with what each level means, for an app's rating form."""
    return [{"key": s.value, "label": s.label, "levels": list(SKILL_LEVELS[s.value])} for s in Skill]
