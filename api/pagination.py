"""Page-numbered lists: ``{"count", "next", "previous", "results"}``.

``page_size`` may be asked for up to ``max_page_size`` (more is capped, as
it always was); every list view orders by a unique key last, so pages never
overlap or skip. ``page`` and ``page_size`` are strict (``api.query``): each
a whole number of at least 1, given once, or a 400 naming it. A page past the
end stays a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from api.query import positive_integer


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        asked = positive_integer(request, self.page_size_query_param)
        return self.page_size if asked is None else min(asked, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Paginator) -> int:  # type: ignore[override]
        return positive_integer(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Items per page: default {self.page_size}; more than {self.max_page_size} is capped at "
                    f"{self.max_page_size}."
                )
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        # drf-spectacular marks required keys from this schema.
        described["required"] = ["count", "next", "previous", "results"]
        return described
