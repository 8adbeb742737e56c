"""The client's own logic (vitest), and the typed operations: one that no longer matches the
gateway's printed schema fails code generation, so the build, not the user."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"


def npx(*args: str, cwd: Path = WEB) -> subprocess.CompletedProcess[str]:
    if not (WEB / "node_modules").is_dir() or not shutil.which("npx"):
        pytest.fail("web/node_modules is missing: run `make test` (it runs `npm ci`)")
    return subprocess.run(["npx", "--no-install", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_client_unit_tests_pass() -> None:
    run = npx("vitest", "run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout


@pytest.mark.parametrize(
    ("operation", "refusal"),
    [
        ("query Ok { me { username roles } }", ""),
        ("query Gone { me { username nickname } }", 'Cannot query field "nickname"'),  # not in the schema
        ('mutation Short { login(username: "a") { token } }', '"password" of type "String!" is required'),
    ],
)
def test_codegen_checks_operations_against_the_schema(tmp_path: Path, operation: str, refusal: str) -> None:
    (tmp_path / "op.graphql").write_text(operation)
    config = tmp_path / "codegen.json"
    schema = WEB.parent / "gateway" / "schema.graphql"
    config.write_text(
        json.dumps(
            {
                "schema": str(schema),
                "documents": [f"{tmp_path}/op.graphql"],
                "generates": {f"{tmp_path}/out/": {"preset": "client"}},
            }
        )
    )
    run = npx("graphql-codegen", "--config", str(config))
    output = run.stdout + run.stderr
    assert (run.returncode == 0) is (not refusal), output
    assert refusal in output
