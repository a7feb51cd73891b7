"""Schemathesis against the live servers' own schema, signed in, with every check it has: no failure.

``--checks all``: no 5xx, every answer conforms to the schema (status, content
type, body, headers), schema-violating requests are refused (a repeated or
empty query parameter included: ``api.query``) and schema-valid ones accepted,
auth is not ignored, a deleted resource stays gone, unsupported methods are a
405 with ``Allow``. Throttles are raised for the run (``live_api``).

Every operation but ``DELETE me/`` (which would sign the rest of the run out)
goes through all four phases: the schema's examples, the coverage phase's
boundary and negative values, random fuzzing, and stateful sequences, which
chain operations through the links schemathesis infers from the schema's
response bodies and path parameters (``POST enrollments/`` ->
``enrollments/{id}/`` and its ``plan/``; ``POST devices/`` ->
``devices/{id}/``; ``GET tracks/`` -> ``tracks/{slug}/``...).

One check needs telling what the schema cannot say. ``positive_data_acceptance``
expects every schema-valid request to succeed, but some answers depend on
what is stored or on today's date, which no schema states: a slug must name a
milestone that exists, a rest week must be this week, a target date must be
after today, a company may be checked once, a cursor must be one the server
signed, an If-Match must name the version as it stands. For exactly those
operations a 400 (and a 412) is also accepted (``STATEFUL_REFUSALS``, each with
its reason); anywhere else it still fails the run.

A few stateful scenarios end as "errored", not failed: schemathesis infers
that the ``Device-Id`` header takes a device's ``id`` from ``GET devices/``
and fills it with that integer, which its HTTP client refuses to send. No
request is made, so there is no answer of ours to judge; the run's exit status
counts failures only.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.redis

# Operations whose schema-valid requests may meet a 400 that depends on stored data or on today.
STATEFUL_REFUSALS = {
    "POST /api/v1/rest-weeks/": "only the week you are in on your calendar, and not one that already counts",
    "DELETE /api/v1/rest-weeks/": "only the week you are in on your calendar",
    "PATCH /api/v1/checklist-items/{id}/": "the title is stripped before its length is checked (clean_title)",
    "POST /api/v1/progress/{milestone_slug}/checklist/": "the title is stripped before its length is checked",
    "PATCH /api/v1/enrollments/{id}/": "a title renames only a plan of your own; a target after today",
    "POST /api/v1/enrollments/": "the track's slug must exist; a target date after today",
    "POST /api/v1/enrollments/own/": "the track's slug must exist; a target date after today",
    "POST /api/v1/enrollments/{id}/plan/": "the plan needs a target date, after today",
    "POST /api/v1/enrollments/{id}/steps/": "the slugs must name milestones that exist and are in the plan",
    "PATCH /api/v1/enrollments/{id}/steps/{milestone_slug}/": "the slugs must name milestones in the plan",
    "PATCH /api/v1/progress/{milestone_slug}/": "the track's slug must exist; dates against today",
    "POST /api/v1/progress/{milestone_slug}/renewals/": "only something held that expires, once renewal opens",
    "PATCH /api/v1/me/": "a time zone the server's tz database knows",
    "POST /api/v1/auth/register/": "a password no validator refuses (common passwords are a list)",
    "POST /api/v1/auth/password/change/": "the current password, and a new one no validator refuses",
    "POST /api/v1/badges/": "the milestone must exist",
    "POST /api/v1/company-checks/": "one check per company",
    "PUT /api/v1/company-checks/{id}/": "one check per company",
    "PATCH /api/v1/company-checks/{id}/": "one check per company",
    "POST /api/v1/mentor-invites/": "one open invitation per address",
    "POST /api/v1/devices/": "apns_environment only with platform ios; a locale the BCP 47 registry knows",
    "PATCH /api/v1/devices/{id}/": "apns_environment only on an iOS device; a locale the BCP 47 registry knows",
    "GET /api/v1/sync/": "only a cursor this server issued (it is signed) is read; any other is invalid_cursor",
    "GET /api/v1/sync/catalogue/": "only a cursor this server issued (it is signed) is read",
}
# Writes that take If-Match: schemathesis draws that header from any entity tag, whatever the
# schema's pattern says (its own strategy for the header). A tag that is not a version ("abc") is
# a 400 by design (a client that believes it sent a precondition must not overwrite), and one
# naming another version is a 412 with the current state; both are the answers the schema documents.
PRECONDITIONS = [
    "PATCH /api/v1/progress/{milestone_slug}/",
    "PATCH /api/v1/checklist-items/{id}/",
    "DELETE /api/v1/checklist-items/{id}/",
    "PATCH /api/v1/enrollments/{id}/",
    "DELETE /api/v1/enrollments/{id}/",
    "PATCH /api/v1/enrollments/{id}/steps/{milestone_slug}/",
    "DELETE /api/v1/enrollments/{id}/steps/{milestone_slug}/",
]
for _operation in PRECONDITIONS:
    STATEFUL_REFUSALS.setdefault(_operation, "an If-Match that is not a version (400) or another version (412)")
ACCEPTED = ["2xx", "3xx", 400, 401, 403, 404, 409, 412, 429, "5xx"]


def configuration(milestone_slug: str) -> str:
    """schemathesis.toml: a real milestone slug for path parameters, and the operations above."""
    lines = ["[parameters]", f'"path.milestone_slug" = "{milestone_slug}"', ""]
    for operation in STATEFUL_REFUSALS:
        lines += [
            "[[operations]]",
            f'include-name = "{operation}"',
            f"checks.positive_data_acceptance.expected-statuses = {ACCEPTED!r}".replace("'", '"'),
            "",
        ]
    return "\n".join(lines)


def test_generated_requests_find_no_failure_with_every_check(live_api, tmp_path):
    live_api.reset_counters()
    account = live_api.sign_up("fuzzer@example.com", "a long passphrase 42")
    requests.post(
        f"{live_api.url}/api/v1/enrollments/",
        json={"track": "data-scientist"},
        headers={"Authorization": f"Bearer {account['access']}"},
        timeout=30,
    )
    # Nothing in the API creates a milestone, so no link can supply a slug: name a real one,
    # so that the progress operations reach past their 404 and get fuzzed bodies.
    (tmp_path / "schemathesis.toml").write_text(configuration("skill-programming"))
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{live_api.url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {account['access']}",
            "--checks",
            "all",
            # Deleting the account would leave the rest of the run unauthenticated.
            "--exclude-operation-id",
            "me_destroy",
            "--max-examples",
            "15",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--seed",
            "1",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        # Its example database and run state stay out of the checkout.
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    live_api.reset_counters()
    (tmp_path / "schemathesis.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
