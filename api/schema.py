"""OpenAPI additions drf-spectacular cannot infer, made once for every operation.

- the shared error responses, and the headers that middleware adds
  (``Idempotency-Key``/``Idempotent-Replayed``, ``Retry-After`` on 429 and
  503): ``add_error_responses``;
- ``If-Match`` and the 412 on writes to a versioned resource:
  ``document_preconditions``;
- from each view's classes (``APIAutoSchema``): ``security: []`` on
  operations that read no credentials at all (sign-up, sign-in, refresh...),
  ``ETag``/``If-None-Match``/304 (``ETagMixin``), ``Device-Id`` (a view's
  ``device_header``), non-empty filter values (``StrictFilterBackend``), the
  rules of passwords and time zones (``api.fields``), ``minItems`` of a list
  that may not be empty;
- enums that a generated client survives: a response's enum also accepts any
  other string (``open_enums_in_responses``), because v1 may add values.

The three functions are drf-spectacular postprocessing hooks
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``), the class its
``DEFAULT_SCHEMA_CLASS``: a new endpoint gets all of this without saying so.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import password_validation
from drf_spectacular.openapi import AutoSchema

from api.etags import ETagMixin
from api.fields import NewPasswordField, TimeZoneField
from api.query import StrictFilterBackend

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
    "503": "The service is briefly unavailable (its database): retry after the Retry-After header's seconds.",
}

RETRY_AFTER_HEADER: dict[str, Any] = {
    "schema": {"type": "integer", "minimum": 1},
    "description": "Whole seconds to wait before retrying.",
}

IDEMPOTENT_REPLAYED_HEADER: dict[str, Any] = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "Present on a replayed answer: a POST retried with the same Idempotency-Key and body.",
}

IF_NONE_MATCH_HEADER: dict[str, Any] = {
    "in": "header",
    "name": "If-None-Match",
    "schema": {"type": "string"},
    "description": "The ETag of the copy you hold: the answer is a 304 with no body while it is current.",
}

ETAG_HEADERS: dict[str, Any] = {
    "ETag": {
        "schema": {"type": "string"},
        "required": True,
        "description": "A strong validator of this body: send it back as If-None-Match.",
    },
    "Cache-Control": {
        "schema": {"type": "string"},
        "description": "no-cache: keep the copy, but revalidate it with If-None-Match before each use.",
    },
}

IF_MATCH_HEADER: dict[str, Any] = {
    "in": "header",
    "name": "If-Match",
    "schema": {"type": "string", "pattern": r'^(\*|(W/)?"[0-9]{1,10}")$'},
    "example": '"7"',
    "description": (
        'The version the change started from, quoted as the ETag gave it ("7"); or send `base_version` in the '
        "body. A stale one is a 412 `version_conflict` whose `current` is the resource as it stands: merge and "
        "send again. Without it, the write overwrites (as v1 always did)."
    ),
}

DEVICE_ID_HEADER: dict[str, Any] = {
    "in": "header",
    "name": "Device-Id",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{0,64}$"},
    "description": (
        "Names the app installation (a UUID the app keeps) on the history this write leaves; "
        "anything else is a 400 `invalid_device_id`."
    ),
}

VERSIONED_ETAG_HEADER: dict[str, Any] = {
    "ETag": {"schema": {"type": "string"}, "description": 'The resource\'s version, quoted ("7"): send it as If-Match.'}
}

NOT_MODIFIED: dict[str, Any] = {
    "description": "Not modified: the copy whose ETag was sent as If-None-Match is current (no body).",
    "headers": ETAG_HEADERS,
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
    """Document the shared error body on every operation, Idempotency-Key on every POST, and their headers.

    A drf-spectacular postprocessing hook: all of them come from middleware
    and handlers that no view declares (``api.errors``, ``api.idempotency``,
    ``api.throttling``, ``careerplan.outage``).
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IDEMPOTENCY_HEADER["name"] for p in parameters):
                    parameters.append(IDEMPOTENCY_HEADER)
                for code, response in responses.items():
                    if code.startswith("2"):
                        response.setdefault("headers", {})["Idempotent-Replayed"] = IDEMPOTENT_REPLAYED_HEADER
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
            for code in ("429", "503"):
                responses[code].setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
    return result


def document_preconditions(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """If-Match and the 412 on every write to a versioned resource; the ETag of its answers.

    A resource the app edits offline carries ``version`` (``api.etags``): a
    path whose GET or PATCH answers an object with ``version`` takes
    preconditions on PUT, PATCH and DELETE. A postprocessing hook, because a
    DELETE's own answer (204) does not show the resource.
    """
    schemas = result.get("components", {}).get("schemas", {})

    def shown(operation: dict[str, Any]) -> dict[str, Any] | None:
        for code in ("200", "201"):
            schema = operation.get("responses", {}).get(code, {}).get("content", {}).get("application/json", {})
            ref = schema.get("schema", {}).get("$ref", "")
            if "version" in schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}):
                return {"$ref": ref}
        return None

    for operations in result.get("paths", {}).values():
        resource = next((r for r in (shown(operations.get(m, {})) for m in ("get", "patch", "put")) if r), None)
        if resource is None:
            continue
        for method in ("put", "patch", "delete"):
            if method in operations:
                _precondition(operations[method], resource)
    return result


def _precondition(operation: dict[str, Any], resource: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == IF_MATCH_HEADER["name"] for p in parameters):
        parameters.append(IF_MATCH_HEADER)
    responses = operation["responses"]
    for code in ("200", "201"):
        if code in responses:
            responses[code].setdefault("headers", {}).update(VERSIONED_ETAG_HEADER)
    current = {"allOf": [resource], "description": "The resource as it stands: merge into it and send again."}
    responses.setdefault(
        "412",
        {
            "description": "version_conflict: the resource changed since the version sent (If-Match or base_version).",
            "headers": VERSIONED_ETAG_HEADER,
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Error"},
                            {"type": "object", "properties": {"current": current}, "required": ["current"]},
                        ]
                    }
                }
            },
        },
    )


class APIAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding what each view's classes tell about its operations.

    - A view that reads no credentials (``authentication_classes = ()``: sign-up,
      sign-in, refresh, logout by refresh token...) gets ``security: []``: a
      generated client must not need a token to call it. drf-spectacular would
      list ``{}`` (an optional token), which is right only for views that do
      read one when sent (``AllowAny`` with authentication: the catalogue).
    - A view with ``api.etags.ETagMixin`` documents ``If-None-Match``, its
      ``ETag`` and the 304.
    - A view whose ``device_header`` is ``Device-Id`` (``tracker.api.progress.
      RecordsDevice``) documents that header on its writes.
    - Filter parameters that ``StrictFilterBackend`` refuses empty say
      ``minLength: 1``; new passwords and time zones state their rules
      (``api.fields``); a list that may not be empty says ``minItems: 1``.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        if not self.view.get_authenticators():
            operation["security"] = []
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes and getattr(self.view, "device_header", None) == DEVICE_ID_HEADER["name"]:
            operation.setdefault("parameters", []).append(DEVICE_ID_HEADER)
        if isinstance(self.view, ETagMixin) and self.method == "GET":
            operation.setdefault("parameters", []).append(IF_NONE_MATCH_HEADER)
            responses = operation["responses"]
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(ETAG_HEADERS)
            responses["304"] = NOT_MODIFIED
        return operation

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        # api.query.StrictFilterBackend refuses an empty filter value (400 blank): say so.
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        strict = {
            name
            for backend in self.get_filter_backends()
            if issubclass(backend, StrictFilterBackend)
            for name in backend().strict_parameters(self.view, None)
        }
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter["name"] in strict and schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("minLength", 1)
        return parameters

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        # Here, not in a field extension: drf-spectacular lays the field's meta
        # (help text, minLength 1 of a non-blank field) over what an extension returns.
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, NewPasswordField) and direction == "request":
            schema = new_password_rules(copy.deepcopy(schema))
        elif isinstance(field, TimeZoneField):
            schema = time_zone_rules(copy.deepcopy(schema))
        elif (
            direction == "request"
            and getattr(field, "allow_empty", True) is False
            and isinstance(schema, dict)
            and schema.get("type") == "array"
        ):
            # DRF's allow_empty=False refuses [] (400 empty); drf-spectacular leaves it unsaid.
            schema = {**schema, "minItems": max(1, schema.get("minItems", 1))}
        return schema


# --- Enums a generated client survives -------------------------------------
# Within v1 a response may carry an enum value the client was not built with
# (the compatibility policy allows new ones). A generated client validates
# enums strictly, so a response's enum is declared as "one of these, or any
# other string": the client keeps its enum type for the values it knows and
# a plain string for a new one, instead of failing to parse the whole body.
# Request bodies keep strict enums: the server refuses what it does not know.

OPEN_ENUM_NOTE = "Responses may carry values not listed here (see the API's compatibility policy)."


def _refs(node: Any) -> Iterator[str]:
    """The component names ``node`` refers to, anywhere inside it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(roots: list[Any], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    stack = [name for root in roots for name in _refs(root)]
    while stack:
        name = stack.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        stack.extend(_refs(schemas[name]))
    return seen


def _open(node: Any, is_enum: Any) -> Any:
    """``node`` with every reference to a string enum widened to also accept any string."""
    if isinstance(node, list):
        return [_open(item, is_enum) for item in node]
    if not isinstance(node, dict):
        return node
    if is_enum(node.get("$ref")):
        return {"anyOf": [node, {"type": "string"}]}
    widened = {key: _open(value, is_enum) for key, value in node.items()}
    for combinator in ("allOf", "oneOf", "anyOf"):
        options = node.get(combinator)
        if isinstance(options, list) and any(is_enum(option.get("$ref")) for option in options):
            # A nullable enum is oneOf [Enum, NullEnum]; with "any string" added
            # a known value matches two options, which oneOf forbids.
            del widened[combinator]
            widened["anyOf"] = [*options, {"type": "string"}]
    return widened


def open_enums_in_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Widen every string enum that a response can carry to "one of these, or any other string".

    A drf-spectacular postprocessing hook, after ``postprocess_schema_enums``
    has made each enum a component. Only components reached from responses
    alone change (COMPONENT_SPLIT_REQUEST keeps request bodies apart); the
    enum components themselves stay as they are, so requests stay strict.
    """
    schemas = result.get("components", {}).get("schemas", {})

    def is_enum(ref: Any) -> bool:
        if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
            return False
        target = schemas.get(ref.rsplit("/", 1)[1], {})
        return target.get("type") == "string" and "enum" in target and target["enum"] != [""]

    operations = [op for ops in result.get("paths", {}).values() for op in ops.values() if isinstance(op, dict)]
    in_responses = _reachable([op.get("responses", {}) for op in operations], schemas)
    in_requests = _reachable([op.get("requestBody", {}) for op in operations], schemas)
    for name in in_responses - in_requests:
        if not is_enum(f"#/components/schemas/{name}"):
            schemas[name] = _open(schemas[name], is_enum)
    for op in operations:
        for response in op.get("responses", {}).values():
            for media in response.get("content", {}).values():
                if "schema" in media and "$ref" not in media["schema"]:
                    media["schema"] = _open(media["schema"], is_enum)
    for name, schema in schemas.items():
        if is_enum(f"#/components/schemas/{name}") and name in in_responses:
            schema["description"] = (schema.get("description", "") + "\n\n" + OPEN_ENUM_NOTE).strip()
    return result


# --- Rules of api.fields ---------------------------------------------------


def new_password_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """A new password's schema with ``minLength`` and the rules of ``AUTH_PASSWORD_VALIDATORS``, read now."""
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    if lengths:
        schema["minLength"] = max(lengths)
    rules = " ".join(str(text) for text in password_validation.password_validators_help_texts())
    schema["description"] = (
        f"{rules} A refusal is a 400 on this field with the validator's code "
        "(password_too_short, password_too_common, password_entirely_numeric, password_too_similar)."
    ).strip()
    return schema


# An IANA zone name: one or more parts of letters, digits, "_", "+" and "-"
# joined by "/" (UTC, Europe/London, America/Argentina/Buenos_Aires, Etc/GMT+5).
TIME_ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$"


def time_zone_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """A time zone's schema: its shape as a pattern, and the rule in words (the list is the server's tz database)."""
    schema["pattern"] = TIME_ZONE_PATTERN
    schema["example"] = "Europe/London"
    schema["description"] = (
        "An IANA time zone name (Europe/London, America/New_York, UTC), never an offset such as +01:00. "
        "A name the server's tz database does not know is a 400 `invalid_timezone` on this field."
    )
    return schema
