"""The gateway's printed schema: committed, and never in conflict with the public contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from gateway.schema import build_schema as gateway_schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "contract"


def test_printed_schema_is_committed() -> None:
    printed = gateway_schema().as_str() + "\n"
    assert (ROOT / "gateway" / "schema.graphql").read_text(encoding="utf-8") == printed, (
        "run: python -m gateway.print_schema > gateway/schema.graphql"
    )


@pytest.mark.skipif(not (CONTRACT / "check.py").exists(), reason="the public contract is not beside this checkout")
def test_the_whole_contract_is_offered(tmp_path: Path) -> None:
    printed = tmp_path / "schema.graphql"
    printed.write_text(gateway_schema().as_str(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(CONTRACT / "check.py"), str(printed)], capture_output=True, text=True, check=False
    )
    assert "0 contract breaks against schema.graphql" in run.stdout, run.stdout + run.stderr
    breaks = find_breaking_changes(
        build_schema((CONTRACT / "schema.graphql").read_text(encoding="utf-8")),
        build_schema(printed.read_text(encoding="utf-8")),
    )
    assert [b.description for b in breaks] == []
