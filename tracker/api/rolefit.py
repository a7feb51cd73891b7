"""The role-fit quiz: answers in, ranked tracks with scores and reasons out."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.rolefit import Answers, rank_tracks

from .serializers.rolefit import FitSerializer, RoleFitAnswersSerializer, RoleFitSerializer


class RoleFit(APIView):
    """Rank the published tracks for the quiz's answers (open to visitors, like the web quiz)."""

    permission_classes = (AllowAny,)

    @extend_schema(request=RoleFitAnswersSerializer, responses={200: RoleFitSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        answers = RoleFitAnswersSerializer(data=request.data)
        answers.is_valid(raise_exception=True)
        fits = rank_tracks(Answers(**answers.validated_data))
        return Response({"results": FitSerializer(fits, many=True).data})
