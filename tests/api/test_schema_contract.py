"""What the schema promises a generated client: who needs a token, which headers, typed fields, open enums, rules."""

import re
import zoneinfo

import pytest
import yaml

from api.schema import TIME_ZONE_PATTERN

pytestmark = pytest.mark.django_db

NO_TOKEN = [
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/token/refresh/"),
    ("post", "/api/v1/auth/verify-email/resend/"),
]


@pytest.fixture
def schema(anon):
    return yaml.safe_load(anon.get("/api/v1/schema/").content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_operations_that_read_no_credentials_declare_an_empty_security(schema, anon):
    for method, path in NO_TOKEN:
        assert schema["paths"][path][method]["security"] == [], path
    # The catalogue reads a token when one is sent (a bad one is a 401), so it is optional there.
    assert {} in schema["paths"]["/api/v1/tracks/"]["get"]["security"]
    assert schema["paths"]["/api/v1/dashboard/"]["get"]["security"] == [{"jwtAuth": []}, {"cookieAuth": []}]
    # And the server agrees: each answers without any credentials (a 400 for the empty body, not a 401).
    for method, path in NO_TOKEN:
        assert getattr(anon, method)(path, {}, format="json").status_code == 400, path


def test_every_operation_documents_retry_after_on_429_and_503(schema):
    for method, path, operation in operations(schema):
        for code in ("429", "503"):
            response = operation["responses"][code]
            assert response["headers"]["Retry-After"]["schema"]["type"] == "integer", (method, path, code)


def test_every_post_documents_its_idempotency_key_and_the_replay_header(schema):
    posts = [(path, operation) for method, path, operation in operations(schema) if method == "post"]
    assert posts
    for path, operation in posts:
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, path
        successes = [r for code, r in operation["responses"].items() if code.startswith("2")]
        assert successes, path
        for response in successes:
            assert "Idempotent-Replayed" in response["headers"], path


def test_the_catalogue_documents_its_etag_and_304(schema, anon):
    for path in ("/api/v1/tracks/", "/api/v1/tracks/{slug}/"):
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert operation["responses"]["200"]["headers"]["ETag"]["required"] is True
        assert "content" not in operation["responses"]["304"]
    # As the server does.
    first = anon.get("/api/v1/tracks/")
    assert anon.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def untyped(node, path=()):
    """Places in ``node`` where a schema says nothing of its type (a generated client's ``Any``)."""
    if isinstance(node, dict):
        is_schema = path and (
            path[-1] in ("schema", "items", "additionalProperties")
            or (len(path) > 1 and path[-2] in ("properties", "schemas"))
        )
        if is_schema and not any(k in node for k in ("type", "$ref", "oneOf", "anyOf", "allOf", "enum")):
            yield "/".join(map(str, path))
        for key, value in node.items():
            yield from untyped(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from untyped(value, (*path, index))


# Documents that are not this API's to shape, so any JSON object is their honest type:
FREE_FORM = {
    # the export, a download of everything held about a person (a file to keep, not a body the app
    # parses), whose sections belong to each app and may grow;
    "/api/v1/me/export//get/responses/200/content/application/json/schema/additionalProperties",
    # a badge's Open Badges assertion, as its issuer published it.
    "schemas/Badge/properties/assertion/additionalProperties",
}


def test_every_field_and_parameter_has_a_type(schema):
    assert set(untyped(schema["paths"])) <= FREE_FORM
    assert set(untyped(schema["components"]["schemas"], ("schemas",))) <= FREE_FORM


def string_enums(schema):
    return {
        name
        for name, component in schema["components"]["schemas"].items()
        if component.get("type") == "string" and component.get("enum") not in (None, [""])
    }


def enum_refs(node, enums, found=None):
    """Every place in ``node`` that names one of ``enums``, with the node holding it."""
    found = [] if found is None else found
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.rsplit("/", 1)[-1] in enums:
            found.append(node)
        for value in node.values():
            enum_refs(value, enums, found)
    elif isinstance(node, list):
        for value in node:
            enum_refs(value, enums, found)
    return found


def test_enums_in_responses_also_accept_any_string_and_requests_stay_strict(schema):
    enums = string_enums(schema)
    components = schema["components"]["schemas"]
    assert {"ProgressStateEnum", "EnrollmentStatusEnum", "CategoryEnum"} <= enums
    # A response component: every enum it names sits in an anyOf beside {"type": "string"}.
    for name in ("Progress", "Enrollment", "DashboardMilestone", "EnrollmentProgress"):
        text = yaml.safe_dump(components[name])
        assert "Enum" in text, name
        for holder in _holders(components[name], enums):
            assert {"type": "string"} in holder, (name, holder)
    # A request body names enums alone.
    for name in ("PatchedEnrollmentUpdateRequest", "PatchedProgressUpdateRequest"):
        assert enum_refs(components[name], enums), name
        assert "anyOf" not in yaml.safe_dump(components[name]), name
    for name in enums:
        assert "enum" in components[name]


def _holders(node, enums):
    """The lists (anyOf/oneOf/allOf) in ``node`` that hold a reference to one of ``enums``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("anyOf", "oneOf", "allOf") and any(v.get("$ref", "").rsplit("/", 1)[-1] in enums for v in value):
                yield value
            else:
                yield from _holders(value, enums)
        ref = node.get("$ref", "")
        if ref.rsplit("/", 1)[-1] in enums and len(node) == 1:
            pytest.fail(f"a bare enum reference in a response: {ref}")
    elif isinstance(node, list):
        for value in node:
            yield from _holders(value, enums)


def test_the_password_rules_are_stated_where_a_password_is_set(schema, settings):
    components = schema["components"]["schemas"]
    password = components["RegisterRequest"]["properties"]["password"]
    assert password["minLength"] == 8
    assert "at least 8 characters" in password["description"]
    assert "password_too_common" in password["description"]

    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    from django.contrib.auth.password_validation import get_default_password_validators

    get_default_password_validators.cache_clear()
    try:
        from drf_spectacular.generators import SchemaGenerator

        regenerated = SchemaGenerator().get_schema(request=None, public=True)
        assert regenerated["components"]["schemas"]["RegisterRequest"]["properties"]["password"]["minLength"] == 12
    finally:
        get_default_password_validators.cache_clear()


def test_the_time_zone_rule_fits_every_zone_the_server_knows_and_no_offset(schema):
    for name in ("RegisterRequest", "PatchedMeRequest"):
        field = schema["components"]["schemas"][name]["properties"]["timezone"]
        assert field["pattern"] == TIME_ZONE_PATTERN
        assert "IANA" in field["description"]
    pattern = re.compile(TIME_ZONE_PATTERN)
    assert all(pattern.match(zone) for zone in zoneinfo.available_timezones())
    for offset in ("+01:00", "01:00", "-0500", "", "Europe//London", "/London", "Europe/"):
        assert not pattern.match(offset), offset


def test_a_weak_password_keeps_its_validators_code(anon):
    response = anon.post("/api/v1/auth/register/", {"email": "new@example.com", "password": "12345"}, format="json")

    assert response.status_code == 400
    assert {"password_too_short", "password_entirely_numeric"} <= set(response.json()["field_codes"]["password"])


def test_writes_to_a_versioned_resource_document_if_match_and_the_412_with_the_current_state(schema):
    for method, path in [
        ("patch", "/api/v1/progress/{milestone_slug}/"),
        ("patch", "/api/v1/checklist-items/{id}/"),
        ("delete", "/api/v1/checklist-items/{id}/"),
        ("patch", "/api/v1/enrollments/{id}/"),
        ("delete", "/api/v1/enrollments/{id}/"),
    ]:
        operation = schema["paths"][path][method]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert re.match(headers["If-Match"]["schema"]["pattern"], '"7"'), path
        assert re.match(headers["If-Match"]["schema"]["pattern"], "*"), path
        conflict = operation["responses"]["412"]["content"]["application/json"]["schema"]["allOf"]
        assert conflict[0] == {"$ref": "#/components/schemas/Error"}
        assert conflict[1]["required"] == ["current"]
    progress = schema["paths"]["/api/v1/progress/{milestone_slug}/"]["patch"]
    assert progress["responses"]["412"]["content"]["application/json"]["schema"]["allOf"][1]["properties"]["current"][
        "allOf"
    ] == [{"$ref": "#/components/schemas/Progress"}]
    # Device-Id names the installation on the history of each write that keeps one.
    assert "Device-Id" in {p["name"] for p in progress["parameters"]}
    # A read is no write: no precondition there.
    reads = schema["paths"]["/api/v1/progress/{milestone_slug}/"]["get"]
    assert "If-Match" not in {p["name"] for p in reads.get("parameters", [])}


def test_an_empty_list_the_server_refuses_is_refused_by_the_schema_too(schema):
    operations = schema["components"]["schemas"]["BatchRequest"]["properties"]["operations"]
    assert operations["minItems"] == 1
