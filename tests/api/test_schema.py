"""The OpenAPI schema validates without warnings, covers every route, and its docs work offline."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders

from tests.test_permissions_table import api_routes

ROOT = Path(__file__).resolve().parents[2]


def openapi_path(route: str) -> str:
    # drf-spectacular names a ``pk`` parameter ``id``.
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")


def test_spectacular_validates_with_no_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    paths = set(yaml.safe_load(out.read_text())["paths"])
    expected = {openapi_path(r) for r, _ in api_routes() if r not in ("/api/v1/schema/", "/api/v1/docs/")}
    assert expected <= paths
    assert paths <= expected


@pytest.mark.django_db
def test_every_operation_documents_the_error_shape(anon):
    schema = yaml.safe_load(anon.get("/api/v1/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (method, path)


@pytest.mark.django_db
def test_swagger_ui_loads_only_local_assets(anon):
    response = anon.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    # Swagger UI's start-up script comes from the page's own view, not inline (the CSP allows no inline script).
    assert "/api/v1/docs/?script=" in assets
    for asset in assets:
        if asset == "/api/v1/docs/?script=":
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "http://" not in html
    assert "https://" not in html
    assert "<script>" not in html
    assert "<style>" not in html
    script = anon.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/v1/schema/"' in script.content.decode()


@pytest.mark.redis
def test_the_live_swagger_ui_and_every_asset_it_needs_come_from_the_server_itself(live_api):
    import requests

    page = requests.get(f"{live_api.url}/api/v1/docs/", timeout=30)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    # The page's start-up script (one of its assets) fetches the schema from the same server.
    assert "/api/v1/docs/?script=" in assets
    assert "/api/v1/schema/" in requests.get(f"{live_api.url}/api/v1/docs/?script=", timeout=30).text
    for asset in assets:
        assert asset.startswith("/"), asset
        assert requests.get(f"{live_api.url}{asset}", timeout=30).status_code == 200, asset
