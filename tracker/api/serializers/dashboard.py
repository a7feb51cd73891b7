"""The dashboard: every current plan's progress, next steps and dates, and the streak."""

from __future__ import annotations

from rest_framework import serializers

from tracker.models import Category, EnrollmentStatus
from tracker.progress import CategoryProgress, Dashboard, StepState, TrackProgress


class DashboardMilestoneSerializer(serializers.Serializer[StepState]):
    milestone = serializers.CharField(source="milestone.slug")
    title = serializers.CharField(source="milestone.title")
    category = serializers.ChoiceField(source="milestone.category", choices=Category.choices)
    status = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)


class CategoryProgressSerializer(serializers.Serializer[CategoryProgress]):
    category = serializers.ChoiceField(choices=Category.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    skipped = serializers.IntegerField()
    percent = serializers.IntegerField()


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
    is_complete = serializers.BooleanField()
    by_category = CategoryProgressSerializer(many=True)
    next_up = DashboardMilestoneSerializer(many=True)
    upcoming = DashboardMilestoneSerializer(many=True)
    overdue = DashboardMilestoneSerializer(many=True)


class DashboardSerializer(serializers.Serializer[Dashboard]):
    today = serializers.DateField()
    streak_weeks = serializers.IntegerField()
    enrollments = EnrollmentProgressSerializer(source="plans", many=True)
