"""Schemathesis against the live servers' own schema, signed in: no 5xx, and every answer conforms.

Every operation but ``DELETE me/`` (which would sign the rest of the run out)
goes through all four phases: the schema's examples, the coverage phase's
boundary and negative values, random fuzzing, and stateful sequences. The
stateful phase chains operations through the 16 links schemathesis infers from
the schema's response bodies and path parameters (``POST`` or ``GET
enrollments/`` -> ``GET``/``PATCH``/``DELETE enrollments/{id}/`` and its
``plan/``; ``POST devices/`` -> ``DELETE devices/{id}/``; ``GET tracks/`` ->
``tracks/{slug}/``; ``GET notifications/`` -> its ``read/``), so no
hand-written OpenAPI links are needed. The fuzzing account has no
notifications, so ``read/`` only meets unknown ids; the authorisation table
covers real ones.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.redis


def test_generated_requests_get_no_server_error_and_conforming_answers(live_api, tmp_path):
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
    (tmp_path / "schemathesis.toml").write_text('[parameters]\n"path.milestone_slug" = "skill-programming"\n')
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{live_api.url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {account['access']}",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
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
