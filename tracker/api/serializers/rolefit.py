"""The role-fit quiz: answers in, tracks ranked with reasons out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tracker.models import WorkProduct


class RoleFitAnswersSerializer(serializers.Serializer[Any]):
    se_skill = serializers.IntegerField(min_value=1, max_value=5)
    ml_knowledge = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    produces = serializers.ChoiceField(choices=WorkProduct.choices)


class FitSerializer(serializers.Serializer[Any]):
    track = serializers.CharField(source="track.slug")
    track_name = serializers.CharField(source="track.name")
    score = serializers.IntegerField(min_value=0, max_value=100)
    reasons = serializers.ListField(child=serializers.CharField())


class RoleFitSerializer(serializers.Serializer[Any]):
    results = FitSerializer(many=True)
