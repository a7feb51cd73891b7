"""Page-numbered lists: ``{"count", "next", "previous", "results"}``.

``page_size`` may be asked for up to ``max_page_size``; every list view
orders by a unique key last, so pages never overlap or skip.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        # drf-spectacular marks required keys from this schema.
        described["required"] = ["count", "next", "previous", "results"]
        return described
