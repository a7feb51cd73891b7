"""A Python client generated from the served OpenAPI schema by openapi-python-client, as a mobile team would.

``generated_client(schema_text, tmp_path_factory)`` generates it once per
session and schema (its directory and package name carry the schema's hash,
so a second caller with the same schema reuses it) and imports it. The
generator runs as its command-line tool, in a temporary directory: nothing
lands in the checkout.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def generated_client(schema_text: str, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The generated client package for ``schema_text``, imported with every one of its modules."""
    digest = hashlib.sha256(schema_text.encode()).hexdigest()[:12]
    package = f"careerplan_client_{digest}"
    workdir = tmp_path_factory.getbasetemp() / f"generated-client-{digest}"
    if not (workdir / package).is_dir():
        workdir.mkdir(exist_ok=True)
        (workdir / "schema.yml").write_text(schema_text)
        # No post hooks: the generator would run ruff over its output, which a client needs not.
        (workdir / "config.yml").write_text(f"post_hooks: []\npackage_name_override: {package}\n")
        result = subprocess.run(
            [str(GENERATOR), "generate", "--path", "schema.yml", "--config", "config.yml", "--meta", "none"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        # The generator warns, and leaves an operation or model out, for what it cannot express.
        assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    if str(workdir) not in sys.path:
        sys.path.insert(0, str(workdir))
    client = importlib.import_module(package)
    # Compiles: every module imports (a model that refers to one never generated fails here).
    for module in pkgutil.walk_packages(client.__path__, f"{package}."):
        importlib.import_module(module.name)
    return client
