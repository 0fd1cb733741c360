"""The OpenAPI document is one real clients accept (issue 17).

It validates against the OpenAPI 3 specification (openapi-spec-validator), drf-spectacular builds
it without a warning, and openapi-python-client generates a client with a function for every
operation, in a temporary directory, offline.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

METHODS = ("get", "post", "put", "patch", "delete")


def _schema() -> dict:
    # Through JSON, as a client receives it (no Python-only types left in).
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def test_the_schema_is_valid_openapi():
    validate(_schema())


def test_the_schema_builds_without_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (an unresolved parameter, an enum name
    # collision, a view it cannot introspect) into an error.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def test_every_path_parameter_is_in_its_path():
    for path, operations in _schema()["paths"].items():
        for method in METHODS:
            for parameter in operations.get(method, {}).get("parameters", []):
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path, (method, path, parameter["name"])


def test_a_generated_python_client_covers_every_operation(tmp_path):
    generator = Path(sys.executable).parent / "openapi-python-client"
    if not generator.exists():
        pytest.skip("openapi-python-client is not installed in this virtualenv (requirements.txt pins it)")
    schema = _schema()
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    env = {**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff hook
    result = subprocess.run(
        [str(generator), "generate", "--path", str(tmp_path / "schema.json"), "--output-path", str(tmp_path / "client"),
         "--meta", "none"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output, output  # the generator skips what it cannot use, with a warning

    operations = {op["operationId"] for ops in schema["paths"].values() for m, op in ops.items() if m in METHODS}
    generated = {module.stem for module in (tmp_path / "client" / "api").rglob("*.py")}
    assert operations - generated == set()
    assert len(operations) >= 60
