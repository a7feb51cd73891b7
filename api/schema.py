"""OpenAPI additions drf-spectacular cannot infer: the shared error responses."""

from __future__ import annotations

from typing import Any

MILESTONE_LIST: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
        "required": ["slug", "title"],
    },
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {
        "code": {"type": "string", "description": "A stable machine-readable code, e.g. invalid, not_found."},
        "message": {"type": "string", "description": "A sentence for people."},
        "fields": {
            "type": "object",
            "description": "Validation errors only: each field name to its messages (nested for nested fields).",
            "additionalProperties": True,
        },
        "field_codes": {
            "type": "object",
            "description": "Validation errors only: each field name to the machine-readable codes of its messages, "
            "in the same order and nesting as `fields` (e.g. required, in_future).",
            "additionalProperties": True,
        },
        "missing": {
            "description": "409 prerequisites_missing only: the milestones to finish first.",
            **MILESTONE_LIST,
        },
        "dependants": {
            "description": "409 dependants_done only: the done milestones built on this one, to undo first.",
            **MILESTONE_LIST,
        },
        "effort_weeks": {
            "type": "integer",
            "description": "409 plan_does_not_fit only: the estimated effort left, in weeks.",
        },
        "weeks_to_target": {
            "type": "integer",
            "description": "409 plan_does_not_fit only: whole weeks from today to the target date.",
        },
        "date_that_fits": {
            "type": "string",
            "format": "date",
            "description": "409 plan_does_not_fit only: the first target date the effort left fits before.",
        },
    },
    "required": ["code", "message"],
}

ERRORS = {
    "400": "Bad input: malformed JSON or invalid fields (see `fields`).",
    "401": "No valid credentials.",
    "403": "The action is not allowed.",
    "404": "Not found (including another user's object).",
    "409": "A domain conflict, such as unmet prerequisites (`code` says which; see the keys of Error).",
    "413": "The request body is too large.",
    "429": "Throttled: retry after the Retry-After header's seconds.",
}


IDEMPOTENCY_HEADER: dict[str, Any] = {
    "in": "header",
    "name": "Idempotency-Key",
    "schema": {"type": "string", "maxLength": 255},
    "description": (
        "Any unique string (a UUID). A retried POST with the same key and body replays the first "
        "successful answer, with `Idempotent-Replayed: true`, instead of acting twice; the same key "
        "with another body is a 409 `idempotency_key_reused`. Keys are kept for 24 hours."
    ),
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document the shared error body on every operation, and Idempotency-Key on every POST.

    A drf-spectacular postprocessing hook: both come from middleware and
    handlers that no view declares (``api.errors``, ``api.idempotency``).
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IDEMPOTENCY_HEADER["name"] for p in parameters):
                    parameters.append(IDEMPOTENCY_HEADER)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
